"""The booking hot path costs a fixed number of queries, whatever the data around it."""

from __future__ import annotations

import datetime as dt

from scheduling.models import Booking, Pregnancy
from scheduling.services import booking_create, booking_hold
from tests.base import BaseTestCase, tokyo

START = tokyo(2026, 12, 8, 10)
# The contact of the interview type (issue 15), active-booking check, sweep, savepoint, site
# lock, the engine's six reads, the insert and its event, the confirm (check, update, event), the
# opt-out check and one INSERT for all messages.
CREATE_QUERIES = 19


class BookingQueriesTest(BaseTestCase):
    def test_booking_create_costs_the_same_with_an_empty_or_a_busy_day(self) -> None:
        with self.assertNumQueries(CREATE_QUERIES):
            booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=START,
                pregnancy=self.w.hanako_pregnancy,
                notify_email=True,
            )
        for hour in (9, 11, 13, 14, 15):
            pregnancy = Pregnancy.objects.create(resident=self.w.mei, due_date=dt.date(2027, 6, 1))
            booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=tokyo(2026, 12, 8, hour),
                pregnancy=pregnancy,
            )
        with self.assertNumQueries(CREATE_QUERIES):
            booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=START,
                pregnancy=self.w.mei_pregnancy,
                notify_email=True,
            )
        self.assertEqual(Booking.objects.filter(start=START, status="confirmed").count(), 2)

    def test_a_hold_costs_a_fixed_number_of_queries(self) -> None:
        with self.assertNumQueries(13):  # 12 and the interview type's contact (issue 15)
            booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=START)

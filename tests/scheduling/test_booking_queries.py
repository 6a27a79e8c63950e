"""The booking hot path costs a fixed number of queries, whatever the data around it."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from scheduling.models import Booking, Pregnancy
from scheduling.services import booking_create, booking_hold
from tests.base import BaseTestCase, tokyo

START = tokyo(2026, 12, 8, 10)
# The contact of the interview type (issue 15), active-booking check, sweep, the savepoint, the
# engine's six reads of the site's day, the booking written confirmed and its one event, the
# opt-out check and one INSERT for all messages (issue 19: was 19 with the site's exclusive
# lock, a hold row and its event, then the confirm's check, update and second event).
# PostgreSQL adds the site's share lock and the nurse's and room's advisory locks. Issue 18 adds
# one INSERT … SELECT for integrators' webhooks (a row per subscription that wants the event,
# none looked up first; tests/webhooks/test_booking_queries_with_webhooks.py).
CREATE_QUERIES = {"sqlite": 16, "postgresql": 18}
# The same without the active-booking check and the messages (opt-out check, INSERT).
HOLD_QUERIES = {"sqlite": 12, "postgresql": 14}


class BookingQueriesTest(BaseTestCase):
    def test_booking_create_costs_the_same_with_an_empty_or_a_busy_day(self) -> None:
        with self.assertNumQueries(CREATE_QUERIES[connection.vendor]):
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
        with self.assertNumQueries(CREATE_QUERIES[connection.vendor]):
            booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=START,
                pregnancy=self.w.mei_pregnancy,
                notify_email=True,
            )
        self.assertEqual(Booking.objects.filter(start=START, status="confirmed").count(), 2)

    def test_a_hold_costs_a_fixed_number_of_queries(self) -> None:
        with self.assertNumQueries(HOLD_QUERIES[connection.vendor]):
            booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=START)

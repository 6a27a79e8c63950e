"""When the time she moves to is taken, the conflict's alternatives (for the pages and the API
alike) never offer her own current time back, at her site or in the search elsewhere."""

from __future__ import annotations

import datetime as dt

from scheduling.services import booking_create, booking_reschedule
from tests.base import BaseTestCase, tokyo
from yurikago.errors import DomainError

HERS = tokyo(2026, 12, 8, 10)
TAKEN = tokyo(2026, 12, 8, 10, 30)


class RescheduleAlternativesTest(BaseTestCase):
    def test_the_alternatives_leave_out_her_current_time(self) -> None:
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=HERS,
            pregnancy=self.w.hanako_pregnancy,
        )
        for due in (dt.date(2027, 5, 1), dt.date(2027, 5, 2)):
            other = self.w.mei.pregnancies.create(due_date=due)
            booking_create(
                site=self.w.aoto, interview_type=self.w.itype, start=TAKEN, pregnancy=other
            )
        with self.assertRaises(DomainError) as caught:
            booking_reschedule(booking=booking, start=TAKEN)
        error = caught.exception
        self.assertEqual(error.code, "slot_unavailable")
        offered = [(s.site_id, s.start) for s in error.alternatives]
        self.assertTrue(offered)
        self.assertNotIn((self.w.aoto.id, HERS), offered)
        self.assertIn((self.w.aoto.id, tokyo(2026, 12, 8, 9, 30)), offered)

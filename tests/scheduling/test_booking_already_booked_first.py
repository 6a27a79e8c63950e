"""Issue 19: booking_create no longer asks "has she a booking already?" before it books (the
partial unique constraints refuse a second active booking), yet "already booked" still comes
first: a refusal for any other reason asks it then, on the refusal's path only."""

from __future__ import annotations

import datetime as dt

from scheduling.models import Booking
from scheduling.services import booking_create
from tests.base import BaseTestCase, tokyo
from yurikago.errors import DomainError


class AlreadyBookedFirstTest(BaseTestCase):
    def create(self, start: dt.datetime, **kwargs):  # type: ignore[no-untyped-def]
        return booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=start,
            pregnancy=kwargs.pop("pregnancy", self.w.hanako_pregnancy),
            **kwargs,
        )

    def test_a_free_time_is_refused_by_the_database_as_already_booked(self) -> None:
        self.create(tokyo(2026, 12, 3, 10))
        with self.assertRaises(DomainError) as caught:
            self.create(tokyo(2026, 12, 4, 10))
        self.assertEqual(caught.exception.code, "already_booked")

    def test_a_taken_closed_or_unworked_time_still_says_already_booked(self) -> None:
        self.create(tokyo(2026, 12, 3, 10))
        # The other place at 10:00 goes to Mei: Hanako's second try finds it full.
        self.create(tokyo(2026, 12, 3, 10), pregnancy=self.w.mei_pregnancy)
        for start in (
            tokyo(2026, 12, 3, 10),  # taken
            tokyo(2026, 12, 5, 10),  # Saturday: closed
            tokyo(2026, 12, 3, 12),  # nobody works
        ):
            with self.subTest(start=start), self.assertRaises(DomainError) as caught:
                self.create(start)
            self.assertEqual(caught.exception.code, "already_booked")
            self.assertEqual(caught.exception.alternatives, [])
        self.assertEqual(Booking.objects.filter(pregnancy=self.w.hanako_pregnancy).count(), 1)

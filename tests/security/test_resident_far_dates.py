"""A resident day page for a date far from now is a 404, not a 500 (finding 9's "never a 500
for bad input", on the resident side): /book/day/9999-12-31/ overflowed Python's dates."""

from __future__ import annotations

from scheduling.services import booking_create
from tests.base import BaseTestCase, tokyo

FAR = ("9999-12-31", "0001-01-01", "2200-01-01", "1999-12-31")


class ResidentFarDatesTest(BaseTestCase):
    def test_the_booking_day_page(self) -> None:
        for day in FAR:
            self.assertEqual(self.client.get(f"/book/day/{day}/").status_code, 404, day)
            self.assertEqual(
                self.client.get(f"/m/katsushika/book/day/{day}/").status_code, 404, day
            )

    def test_the_change_day_page_of_her_booking(self) -> None:
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
        )
        self.client.force_login(self.w.hanako.user)
        for day in FAR:
            url = f"/bookings/{booking.reference}/change/{day}/"
            self.assertEqual(self.client.get(url).status_code, 404, day)

    def test_ordinary_days_still_open(self) -> None:
        self.assertEqual(self.client.get("/book/day/2026-12-03/").status_code, 200)

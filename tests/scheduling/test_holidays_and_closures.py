"""Which days a site is open: weekdays, public holidays, the year-end break, nth weekdays."""

from __future__ import annotations

import datetime as dt

from scheduling.availability import cancel_deadline, is_business_day, open_slots, site_is_open
from tests.base import TOKYO, BaseTestCase, tokyo


class HolidaysAndClosuresTest(BaseTestCase):
    def test_coming_of_age_day_2027_closes_a_health_centre(self) -> None:
        self.assertFalse(site_is_open(self.w.aoto, dt.date(2027, 1, 11)))  # 成人の日, a Monday
        self.assertTrue(site_is_open(self.w.aoto, dt.date(2027, 1, 12)))

    def test_a_substitute_holiday_is_closed(self) -> None:
        # 2026-11-23 (勤労感謝の日) is a Monday; 2027-02-23 天皇誕生日 is a Tuesday.
        self.assertFalse(site_is_open(self.w.aoto, dt.date(2027, 2, 23)))

    def test_the_year_end_break_closes_from_12_29_to_1_3(self) -> None:
        for day in [dt.date(2026, 12, 29), dt.date(2026, 12, 30), dt.date(2027, 1, 3)]:
            self.assertFalse(site_is_open(self.w.niccowa, day), day)
        self.assertTrue(site_is_open(self.w.niccowa, dt.date(2026, 12, 28)))
        self.assertTrue(site_is_open(self.w.niccowa, dt.date(2027, 1, 4)))

    def test_a_childrens_hall_closes_12_28_to_1_4(self) -> None:
        hall = self.w.niccowa
        hall.year_end_start, hall.year_end_end = "12-28", "01-04"
        self.assertFalse(site_is_open(hall, dt.date(2026, 12, 28)))
        self.assertFalse(site_is_open(hall, dt.date(2027, 1, 4)))
        self.assertTrue(site_is_open(hall, dt.date(2027, 1, 5)))

    def test_a_site_open_on_sundays_closes_on_the_second_sunday(self) -> None:
        sundays = [
            dt.date(2026, 12, 6),
            dt.date(2026, 12, 13),
            dt.date(2026, 12, 20),
            dt.date(2026, 12, 27),
        ]
        self.assertEqual(
            [site_is_open(self.w.niccowa, d) for d in sundays], [True, False, True, True]
        )

    def test_a_site_open_daily_stays_open_on_a_public_holiday(self) -> None:
        self.assertTrue(site_is_open(self.w.niccowa, dt.date(2027, 1, 11)))

    def test_no_slots_are_offered_on_closed_days(self) -> None:
        slots = open_slots(
            municipality=self.w.katsushika,
            interview_type=self.w.itype,
            date_from=dt.date(2026, 12, 26),
            date_to=dt.date(2027, 1, 12),
            now=tokyo(2026, 12, 1, 9),
        )
        days = {s.start.astimezone(TOKYO).date() for s in slots}
        for closed in [
            dt.date(2026, 12, 29),
            dt.date(2027, 1, 1),
            dt.date(2027, 1, 3),
            dt.date(2027, 1, 11),
        ]:
            aoto_days = {
                s.start.astimezone(TOKYO).date() for s in slots if s.site_id == self.w.aoto.id
            }
            self.assertNotIn(closed, aoto_days)
        self.assertIn(dt.date(2027, 1, 11), days)  # にこわ opens on the holiday

    def test_business_days_skip_weekends_holidays_and_the_year_end(self) -> None:
        self.assertFalse(is_business_day(self.w.katsushika, dt.date(2026, 12, 5)))  # Saturday
        self.assertFalse(is_business_day(self.w.katsushika, dt.date(2027, 1, 11)))
        self.assertFalse(is_business_day(self.w.katsushika, dt.date(2027, 1, 2)))
        self.assertTrue(is_business_day(self.w.katsushika, dt.date(2026, 12, 7)))

    def test_the_cancel_deadline_is_11_on_the_previous_business_day(self) -> None:
        # A Monday interview: the previous business day is Friday.
        deadline = cancel_deadline(self.w.katsushika, self.w.itype, tokyo(2026, 12, 7, 10))
        self.assertEqual(deadline, tokyo(2026, 12, 4, 11))
        # Tuesday after 成人の日 (Mon 2027-01-11): Friday 2027-01-08.
        deadline = cancel_deadline(self.w.katsushika, self.w.itype, tokyo(2027, 1, 12, 10))
        self.assertEqual(deadline, tokyo(2027, 1, 8, 11))

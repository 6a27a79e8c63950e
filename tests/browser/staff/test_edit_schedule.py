"""In Chromium: a nurse adds weekly hours, and a change that would strand a booking warns her."""

from __future__ import annotations

import datetime as dt

from scheduling.models import AvailabilityRule, Booking
from scheduling.services import booking_create
from tests.base import NOW, tokyo
from tests.browser.staff.helpers import StaffBrowserTestCase


class EditScheduleBrowserTest(StaffBrowserTestCase):
    def test_she_adds_evening_hours_and_sees_them_in_her_week(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        self.open("/staff/availability/")
        page = self.page
        page.get_by_text("Add hours").click()
        page.get_by_label("Site").select_option(label="えきにこわ")
        page.get_by_role("checkbox", name="Monday").check()
        page.get_by_role("checkbox", name="Wednesday").check()
        page.get_by_label("From", exact=True).fill("17:00")
        page.get_by_label("Until", exact=True).fill("19:00")
        page.get_by_label("Valid from").fill("2026-12-07")
        page.get_by_role("button", name="Add", exact=True).click()
        page.get_by_text("Saved.").wait_for()
        self.assertEqual(
            sorted(
                AvailabilityRule.objects.filter(
                    site=self.w.eki, start_time=dt.time(17), end_time=dt.time(19)
                ).values_list("weekday", flat=True)
            ),
            [0, 2],
        )
        self.assertIn("17:00–19:00", page.content())

    def test_a_change_that_strands_a_booking_is_shown_and_she_keeps_it(self) -> None:
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        Booking.objects.filter(pk=booking.pk).update(nurse=self.w.nurse_sato)
        rule = AvailabilityRule.objects.get(
            nurse=self.w.nurse_sato, site=self.w.aoto, weekday=3, start_time=dt.time(9)
        )
        self.sign_in(self.w.nurse_sato.user)
        self.open(f"/staff/availability/rules/{rule.pk}/")
        page = self.page
        page.get_by_label("From", exact=True).fill("11:00")
        page.get_by_role("button", name="Save").click()
        warning = page.get_by_role("alert")
        warning.wait_for()
        self.assertIn(booking.display_reference, warning.inner_text())
        rule.refresh_from_db()
        self.assertEqual(rule.start_time, dt.time(9))
        page.get_by_role("button", name="Save and keep these bookings").click()
        page.get_by_text("Saved.").wait_for()
        self.assertTrue(
            AvailabilityRule.objects.filter(
                nurse=self.w.nurse_sato, weekday=3, start_time=dt.time(11)
            ).exists()
        )
        self.assertTrue(booking.events.filter(data__kept_outside_hours=True).exists())

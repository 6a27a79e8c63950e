"""In Chromium: a nurse opens her day and marks one interview attended, another a no-show (one
that has started: before its start time "Did not come" is not offered)."""

from __future__ import annotations

from scheduling.models import Booking
from scheduling.services import booking_create
from tests.base import NOW, tokyo
from tests.browser.staff.helpers import StaffBrowserTestCase


class MarkAttendanceBrowserTest(StaffBrowserTestCase):
    def test_she_marks_attended_and_no_show_from_her_day(self) -> None:
        w = self.w
        first = booking_create(
            site=w.aoto,
            interview_type=w.itype,
            start=tokyo(2026, 12, 1, 13),
            pregnancy=w.hanako_pregnancy,
            staff=True,
            now=NOW,
        )
        second = booking_create(  # booked yesterday for 09:00, so it has started
            site=w.aoto,
            interview_type=w.itype,
            start=tokyo(2026, 12, 1, 9),
            pregnancy=w.mei_pregnancy,
            staff=True,
            now=tokyo(2026, 11, 30, 9),
        )
        Booking.objects.filter(pk__in=[first.pk, second.pk]).update(nurse=w.nurse_sato)
        self.sign_in(w.nurse_sato.user)
        self.open("/staff/day/")
        page = self.page
        first_row = page.locator(f"#b-{first.reference}")
        self.assertEqual(first_row.get_by_role("button", name="Did not come").count(), 0)
        first_row.get_by_role("button", name="Attended").click()
        page.get_by_text("Saved:").first.wait_for()
        page.locator(f"#b-{second.reference}").get_by_role("button", name="Did not come").click()
        page.locator(f"#b-{second.reference} button[aria-pressed=true]").wait_for()
        first.refresh_from_db()
        second.refresh_from_db()
        self.assertEqual(
            (first.status, second.status), (Booking.Status.ATTENDED, Booking.Status.NO_SHOW)
        )
        self.assertTrue(first.events.filter(kind="attended", actor=w.nurse_sato.user).exists())

"""In Chromium: the nurse's day prints as a day sheet. Under print media the menu, the filter
form and the buttons are hidden, the interviews stay as a table, and a full day (twelve
interviews) fits on one A4 page."""

from __future__ import annotations

import re

from scheduling.models import Booking
from scheduling.services import booking_create
from tests.base import NOW, tokyo
from tests.base import _resident as _resident_with_pregnancy
from tests.browser.staff.helpers import StaffBrowserTestCase


class DaySheetPrintTest(StaffBrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        w = self.w
        made = []
        for i, (hh, mm) in enumerate([(h, m) for h in (9, 10, 11, 13, 14, 15) for m in (0, 30)]):
            _resident, pregnancy = _resident_with_pregnancy(
                w.katsushika, f"r{i}@example.jp", f"+8190{i:08d}", f"住民 {i:02d}"
            )
            pregnancy.notes = "つわりがあります。通訳は不要です。" * 2
            pregnancy.save()
            made.append(
                booking_create(
                    site=w.aoto,
                    interview_type=w.itype,
                    start=tokyo(2026, 12, 3, hh, mm),
                    pregnancy=pregnancy,
                    staff=True,
                    now=NOW,
                ).pk
            )
        Booking.objects.filter(pk__in=made).update(nurse=w.nurse_sato)
        self.sign_in(w.nurse_sato.user)
        self.open("/staff/day/?date=2026-12-03")
        self.page.emulate_media(media="print")

    def visible(self, selector: str) -> bool:
        return any(el.is_visible() for el in self.page.locator(selector).all())

    def test_the_menu_the_filter_form_and_the_buttons_are_hidden(self) -> None:
        self.assertFalse(self.visible("header nav"))
        self.assertFalse(self.visible("form.filters"))
        self.assertFalse(self.visible("main button"))
        self.assertFalse(self.visible(".skip-link"))

    def test_the_interviews_stay_a_table_with_its_headings(self) -> None:
        self.assertTrue(self.visible("table.interviews thead th"))
        display = self.page.locator("table.interviews td").first.evaluate(
            "td => getComputedStyle(td).display"
        )
        self.assertEqual(display, "table-cell")
        self.assertEqual(self.page.locator("table.interviews tbody tr").count(), 12)

    def test_a_full_day_fits_on_one_a4_page(self) -> None:
        pdf = self.page.pdf(format="A4", print_background=True)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        self.assertEqual(pages, 1)

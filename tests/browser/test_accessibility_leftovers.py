"""Accessibility leftovers on a phone (390 × 844): calendar day links whose accessible name
carries the number one sees (WCAG 2.5.3) in Vietnamese and Nepali, focus on the error summary
after a failed submit, 44 px targets for the map and error-summary links, no sideways scrolling
on the change page, and day pages titled with their date."""

from __future__ import annotations

import re

from django.conf import settings

from scheduling.services import booking_create
from tests.base import tokyo
from tests.browser.helpers import BrowserTestCase

MIN_TARGET = 44
# What axe's label-content-name-mismatch compares: words, digits in any script.
WORD = re.compile(r"\w+")


class AccessibilityLeftoversTest(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 4, 10),
            pregnancy=self.w.mei_pregnancy,
        )

    def use_language(self, code: str) -> None:
        self.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": self.live_server_url}]
        )

    def heights(self, selector: str) -> list[tuple[str, float]]:
        """(text, the smaller of width and height) of each element the selector finds."""
        return self.page.evaluate(
            "(sel) => [...document.querySelectorAll(sel)].map(a => {"
            "const r = a.getBoundingClientRect(); return [a.innerText.trim(), "
            "Math.min(r.width, r.height)]; })",
            selector,
        )

    def failed_submit(self) -> None:
        page = self.page
        page.goto("/book/day/2026-12-03/?site=aoto")
        page.locator("button.time-button").first.click()
        page.wait_for_url("**/book/details/**")
        page.locator("#details-form button[type=submit]").first.click()
        page.locator("#error-summary").wait_for()
        page.wait_for_load_state("load")

    def test_calendar_day_links_carry_the_number_she_sees_in_vi_and_ne(self) -> None:
        for code in ("vi", "ne"):
            self.use_language(code)
            self.page.goto("/book/calendar/?site=aoto")
            self.shot(f"calendar-{code}")
            links = self.page.evaluate(
                "() => [...document.querySelectorAll('.day-free a')].map(a => "
                "[a.querySelector('.day-number').innerText.trim(), a.getAttribute('aria-label') "
                "|| a.innerText])"
            )
            self.assertTrue(links, code)
            for visible, name in links:
                self.assertIn(visible, WORD.findall(name), (code, visible, name))

    def test_focus_moves_to_the_error_summary_after_a_failed_submit(self) -> None:
        self.failed_submit()
        self.shot("error-summary")
        focused = self.page.evaluate("() => document.activeElement && document.activeElement.id")
        self.assertEqual(focused, "error-summary")

    def test_error_summary_links_are_44_px_targets(self) -> None:
        self.failed_submit()
        heights = self.heights("#error-summary a")
        self.assertTrue(heights)
        for text, height in heights:
            self.assertGreaterEqual(height, MIN_TARGET - 0.5, text)

    def test_map_links_are_44_px_targets(self) -> None:
        self.page.goto("/book/")
        heights = self.heights("a[href*='maps']")
        self.sign_in(self.w.mei.user)
        self.page.goto(f"/bookings/{self.booking.reference}/")
        heights += self.heights("a[href*='maps']")
        self.assertEqual(len(heights), 4)  # three sites, and her booking's place
        for text, height in heights:
            self.assertGreaterEqual(height, MIN_TARGET - 0.5, text)

    def test_the_change_page_does_not_scroll_sideways(self) -> None:
        # Real site names are long (the demo's 青戸 has its building and floor in brackets).
        self.w.aoto.name = "青戸保健センター（健康プラザかつしか2階）"
        self.w.aoto.name_en = "Aoto Health Centre (Health Plaza Katsushika, 2nd floor)"
        self.w.aoto.save()
        self.sign_in(self.w.mei.user)
        for code in ("ja", "en", "zh-hans", "ko", "vi", "ne", "tl", "ja-easy"):
            self.use_language(code)
            for url in (
                f"/bookings/{self.booking.reference}/change/",
                f"/bookings/{self.booking.reference}/change/2026-12-07/",
            ):
                self.page.goto(url)
                wide, view = self.page.evaluate(
                    "() => [document.documentElement.scrollWidth, window.innerWidth]"
                )
                if wide > view:
                    self.shot(f"overflow-{code}")
                self.assertLessEqual(wide, view, (code, url))

    def test_day_pages_are_titled_with_their_date(self) -> None:
        self.page.goto("/book/day/2026-12-03/?site=aoto")
        self.assertIn("12月3日", self.page.title())
        self.page.goto("/book/day/2026-12-07/?site=aoto")
        self.assertIn("12月7日", self.page.title())
        self.sign_in(self.w.mei.user)
        self.page.goto(f"/bookings/{self.booking.reference}/change/2026-12-07/")
        self.assertIn("12月7日", self.page.title())

    def test_a_day_brought_in_by_htmx_retitles_the_page(self) -> None:
        page = self.page
        page.goto("/book/calendar/?site=aoto")
        page.get_by_role("link", name="12月3日(木), 空きあり").click()
        page.get_by_role("heading", name="2026年12月3日(木)の空き時間").wait_for()
        self.assertEqual(page.locator("#calendar").count(), 1)  # swapped in, not a new page
        page.wait_for_function("() => document.title.includes('12月3日')", timeout=5000)
        self.assertIn("予約", page.title())

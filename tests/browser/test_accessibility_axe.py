"""axe-core (from npm, injected into the page) finds no serious or critical violation on any
resident page, in Japanese and in English."""

from __future__ import annotations

import json

from scheduling.services import booking_create
from tests.base import tokyo
from tests.browser.helpers import AXE, BrowserTestCase, need

IMPACTS = {"serious", "critical"}


class AxeTest(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        need(AXE.exists(), f"{AXE} missing: run `npm ci` in tests/browser")
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 4, 10),
            pregnancy=self.w.mei_pregnancy,
        )

    def violations(self, url: str) -> list[str]:
        self.page.goto(url)
        # Evaluated, not a <script> tag: the pages' CSP (rightly) refuses inline scripts.
        self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        )
        return [
            f"{url}: {v['id']} ({v['impact']}) {json.dumps([n['target'] for n in v['nodes']])}"
            for v in result["violations"]
            if v["impact"] in IMPACTS
        ]

    def resident_pages(self) -> list[str]:
        page = self.page
        found = []
        for url in (
            "/",
            "/book/",
            "/book/calendar/?site=aoto",
            "/book/day/2026-12-03/?site=aoto",
            "/login/",
        ):
            found += self.violations(url)
        page.goto("/book/day/2026-12-03/?site=aoto")
        page.locator("button.time-button").first.click()
        page.wait_for_url("**/book/details/**")
        details = page.url
        found += self.violations(details)
        page.get_by_role(
            "button", name=("この内容で予約する" if self.language == "ja" else "Book this time")
        ).click()
        page.wait_for_url("**/book/details/**")
        found += self.violations(page.url)  # the form with its errors
        self.sign_in(self.w.mei.user)
        ref = self.booking.reference
        for url in (
            "/bookings/",
            f"/bookings/{ref}/?new=1",
            f"/bookings/{ref}/cancel/",
            f"/bookings/{ref}/change/",
            f"/bookings/{ref}/change/2026-12-07/",
        ):
            found += self.violations(url)
        return found

    def test_no_serious_violations_in_japanese(self) -> None:
        self.assertEqual(self.resident_pages(), [])


class AxeEnglishTest(AxeTest):
    language = "en"

    def test_no_serious_violations_in_japanese(self) -> None:  # type: ignore[override]
        pass

    def test_no_serious_violations_in_english(self) -> None:
        self.assertEqual(self.resident_pages(), [])

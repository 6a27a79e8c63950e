"""The resident pages issue 14 changed, checked as the staff crawl checks its pages (axe's
serious and critical violations, 44 × 44 px tap targets, nothing wider than the phone), at
390 × 844 in every language: the landing page with the brand, the places with their names and
map links, the calendar, a day with times past the change deadline, a full day with its
offers, the details form (due date or weeks, the deadline warning, the error summary), the
done page with its reminders, and the change pages."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from scheduling.services import booking_create
from tests.base import tokyo
from tests.browser.helpers import AXE, PHONE, BrowserTestCase, need
from tests.browser.page_checks import page_findings

LANGUAGES = ("ja", "en", "zh-hans", "ko", "vi", "ne", "tl", "ja-easy")


class ResidentPagesOnAPhoneTest(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        need(AXE.exists(), f"{AXE} missing: run `npm ci` in tests/browser")
        # The page's CSP would refuse axe's injected script, so Playwright bypasses it.
        self.context = self.browser.new_context(
            viewport=PHONE, timezone_id="Asia/Tokyo", bypass_csp=True, base_url=self.live_server_url
        )
        self.addCleanup(self.context.close)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        # Long names, as the demo's: 青戸 has its building and floor in brackets.
        self.w.aoto.name = "青戸保健センター（健康プラザかつしか2階）"
        self.w.aoto.name_en = "Aoto Health Centre (Health Plaza Katsushika, 2nd floor)"
        self.w.aoto.save()
        # An 08:00 deadline: at 09:00 tomorrow's times are already past it.
        self.w.itype.cancel_deadline_time = dt.time(8)
        self.w.itype.save()
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

    def check(self, findings: dict[str, list[str]], name: str) -> None:
        self.page.wait_for_load_state("load")
        problems = page_findings(self.page)
        if problems:
            findings[name] = problems

    def hold(self) -> str:
        """One hold for the whole crawl (choosing times is rate-limited): the details page."""
        self.page.goto("/book/day/2026-12-02/?site=aoto")
        self.page.locator("button.time-button").first.click()
        self.page.wait_for_url("**/book/details/**")
        return self.page.url

    def signed_out_pages(self, code: str, details: str, findings: dict[str, list[str]]) -> None:
        for url in (
            "/",
            "/book/",
            "/book/calendar/?site=aoto",
            "/book/day/2026-12-02/?site=aoto",  # times past the change deadline
            "/book/day/2026-12-05/?site=aoto",  # nothing free: other days and places
            "/login/",
            details,  # due date or weeks, the deadline warning
        ):
            self.page.goto(url)
            self.check(findings, f"{code} {url}")
        self.page.locator("#details-form button[type=submit]").first.click()
        self.page.locator("#error-summary").wait_for()
        self.check(findings, f"{code} details with errors")

    def signed_in_pages(self, code: str, findings: dict[str, list[str]]) -> None:
        ref = self.booking.reference
        for url in (
            "/bookings/",
            f"/bookings/{ref}/?new=1",
            f"/bookings/{ref}/change/",
            f"/bookings/{ref}/change/2026-12-07/",
        ):
            self.page.goto(url)
            self.check(findings, f"{code} {url}")

    def test_every_changed_page_passes_in_every_language(self) -> None:
        findings: dict[str, list[str]] = {}
        details = self.hold()
        for code in LANGUAGES:
            self.use_language(code)
            self.signed_out_pages(code, details, findings)
        self.sign_in(self.w.mei.user)
        for code in LANGUAGES:
            self.use_language(code)
            self.signed_in_pages(code, findings)
        report = "\n".join(f"{page}:\n  " + "\n  ".join(p) for page, p in findings.items())
        self.maxDiff = None
        self.assertEqual(findings, {}, "\n" + report)

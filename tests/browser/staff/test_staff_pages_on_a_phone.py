"""A crawl of the staff portal on a phone (390 × 844), as a nurse, a site manager and a
municipality administrator, and of the staff sign-in pages (allauth): on every page axe finds no
serious or critical violation, every tap target is at least 44 × 44 px and nothing is wider than
the screen. Nurses check their day on a phone between two interviews."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client

from notifications.models import Message
from scheduling.models import TimeOff
from scheduling.services import booking_create
from tests.base import NOW, tokyo
from tests.browser.helpers import AXE, PHONE, SCREENSHOTS, need
from tests.browser.page_checks import page_findings
from tests.browser.staff.helpers import StaffBrowserTestCase
from tests.security.sessions import sign_in_password_only

# Pages a crawl must not open: they act on GET or are not pages.
SKIP = ("/accounts/logout/", "/staff/dashboard/csv/", "/admin/", ".ics")
ROOTS = ("/staff/", "/calendar/settings/", "/accounts/2fa/")
ALLAUTH_SIGNED_OUT = ("/accounts/login/", "/accounts/password/reset/")
LIMIT = 60


class StaffPagesOnAPhoneTest(StaffBrowserTestCase):
    language = "ja"

    def setUp(self) -> None:
        super().setUp()
        need(AXE.exists(), f"{AXE} missing: run `npm ci` in tests/browser")
        # A phone; the page's CSP would refuse axe's injected script, so Playwright bypasses it.
        self.context = self.browser.new_context(
            viewport=PHONE, locale=self.language, timezone_id="Asia/Tokyo", bypass_csp=True
        )
        self.addCleanup(self.context.close)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.shots = SCREENSHOTS / re.sub(r"[^\w]+", "_", self.id().split(".", 2)[-1])
        self.shots.mkdir(parents=True, exist_ok=True)
        self.context.add_cookies(
            [
                {
                    "name": settings.LANGUAGE_COOKIE_NAME,
                    "value": self.language,
                    "url": self.live_server_url,
                }
            ]
        )
        w = self.w
        booking = booking_create(
            site=w.aoto,
            interview_type=w.itype,
            start=tokyo(2026, 12, 1, 13),
            pregnancy=w.hanako_pregnancy,
            staff=True,
            now=NOW,
        )
        booking.nurse = w.nurse_sato
        booking.save(update_fields=["nurse"])
        Message.objects.filter(booking=booking).update(status=Message.Status.FAILED)
        TimeOff.objects.create(
            nurse=w.nurse_sato,
            start=tokyo(2026, 12, 10, 9),
            end=tokyo(2026, 12, 10, 12),
            reason="研修",
        )

    def links(self) -> list[str]:
        hrefs = self.page.evaluate(
            "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
        )
        found = []
        for href in hrefs:
            parts = urlsplit(href)
            if parts.netloc != urlsplit(self.live_server_url).netloc:
                continue
            path = parts.path
            if any(s in path for s in SKIP) or not path.startswith(ROOTS):
                continue
            found.append(path + (f"?{parts.query}" if parts.query else ""))
        return found

    def crawl(self) -> dict[str, list[str]]:
        """Every page reachable from the staff home, once per path (queries vary the date)."""
        seen: set[str] = set()
        queue = list(ROOTS)
        findings: dict[str, list[str]] = {}
        while queue and len(seen) < LIMIT:
            url = queue.pop(0)
            # One page per kind: /staff/availability/rules/1/ stands for every rule.
            path = re.sub(r"/\d+/", "/<id>/", url.split("?")[0])
            if path in seen:
                continue
            seen.add(path)
            response = self.page.goto(self.live_server_url + url)
            if response is None or response.status >= 400:
                continue
            self.page.screenshot(path=str(self.shots / f"{len(seen):02d}.png"), full_page=True)
            problems = page_findings(self.page)
            if problems:
                findings[url] = problems
            queue += self.links()
        self.assertGreater(len(seen), 5, seen)
        return findings

    def assertNoFindings(self, findings: dict[str, Any]) -> None:
        report = "\n".join(f"{url}:\n  " + "\n  ".join(p) for url, p in findings.items())
        self.assertEqual(findings, {}, "\n" + report)

    def test_a_nurse_can_use_every_page_she_reaches(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        self.assertNoFindings(self.crawl())

    def test_a_site_manager_can_use_every_page_she_reaches(self) -> None:
        self.sign_in(self.w.manager_mori)
        self.assertNoFindings(self.crawl())

    def test_an_administrator_can_use_every_page_she_reaches(self) -> None:
        self.sign_in(self.w.admin_abe)
        self.assertNoFindings(self.crawl())

    def test_the_sign_in_pages_are_usable_on_a_phone(self) -> None:
        findings = {}
        for url in ALLAUTH_SIGNED_OUT:
            self.page.goto(self.live_server_url + url)
            self.page.screenshot(path=str(self.shots / f"{url.strip('/').replace('/', '-')}.png"))
            findings[url] = page_findings(self.page)
        # First sign-in of a nurse: password done, TOTP still to set up.
        client = Client()
        sign_in_password_only(client, self.w.nurse_ito.user)
        self.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": self.live_server_url,
                }
            ]
        )
        self.page.goto(self.live_server_url + "/accounts/2fa/totp/activate/")
        self.page.screenshot(path=str(self.shots / "totp-activate.png"), full_page=True)
        findings["/accounts/2fa/totp/activate/"] = page_findings(self.page)
        self.assertNoFindings({url: p for url, p in findings.items() if p})


class StaffPagesOnAPhoneInEnglishTest(StaffPagesOnAPhoneTest):
    language = "en"

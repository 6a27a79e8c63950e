"""The LINE pages a resident sees (issue 18), on a phone (390 × 844) in every language, checked
as the other resident pages are (axe's serious and critical violations, 44 × 44 px tap
targets, nothing wider than the phone): her bookings page with "Get messages on LINE" (not
linked, then linked) and /line/link/ (the explanation and its button, then the expired-link
error). Then she taps "Link my LINE account" and is sent on to LINE's account-link dialog."""

from __future__ import annotations

from django.conf import settings
from django.test import override_settings

from notifications.line_linking import token_hash
from notifications.line_models import LineFriend, LineLinkNonce, LineOfficialAccount
from tests.browser.helpers import AXE, BrowserTestCase, need
from tests.browser.page_checks import page_findings

LANGUAGES = ("ja", "en", "zh-hans", "ko", "vi", "ne", "tl", "ja-easy")
USER = "U" + "f" * 32
TOKEN = "linkTokenFromLine0123456789"


class LinePagesOnAPhoneTest(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        need(AXE.exists(), f"{AXE} missing: run `npm ci` in tests/browser")
        # The page's CSP would refuse axe's injected script, so Playwright bypasses it.
        self.context.close()
        self.context = self.browser.new_context(
            viewport={"width": 390, "height": 844},
            timezone_id="Asia/Tokyo",
            bypass_csp=True,
            base_url=self.live_server_url,
        )
        self.addCleanup(self.context.close)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        LineOfficialAccount.objects.create(
            municipality=self.w.katsushika, add_friend_url="https://lin.ee/katsushika"
        )
        self.friend = LineFriend.objects.create(
            user_id=USER, event_ms=1, link_token_hash=token_hash(TOKEN)
        )
        self.sign_in(self.w.hanako.user)

    def use_language(self, code: str) -> None:
        self.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": self.live_server_url}]
        )

    def check(self, findings: dict[str, list[str]], name: str) -> None:
        self.page.wait_for_load_state("load")
        problems = page_findings(self.page)
        if problems:
            findings[name] = problems

    def test_the_line_pages_pass_in_every_language(self) -> None:
        findings: dict[str, list[str]] = {}
        for code in LANGUAGES:
            self.use_language(code)
            for url in ("/bookings/", f"/line/link/?linkToken={TOKEN}", "/line/link/?linkToken=x"):
                self.page.goto(url)
                self.check(findings, f"{code} {url}")
        LineFriend.objects.filter(pk=self.friend.pk).update(resident=self.w.hanako)
        for code in LANGUAGES:
            self.use_language(code)
            self.page.goto("/bookings/")
            self.check(findings, f"{code} /bookings/ linked")
        report = "\n".join(f"{page}:\n  " + "\n  ".join(p) for page, p in findings.items())
        self.maxDiff = None
        self.assertEqual(findings, {}, "\n" + report)

    def test_she_taps_link_and_goes_on_to_line(self) -> None:
        dialog = f"{self.live_server_url}/line-dialog-stand-in/"
        with override_settings(LINE_ACCOUNT_LINK_URL=dialog):
            self.use_language("ja")
            self.page.goto(f"/line/link/?linkToken={TOKEN}")
            with self.page.expect_request(lambda r: r.url.startswith(dialog)) as sent:
                self.page.get_by_role("button", name="LINEアカウントを連携する").click()
        self.assertIn(f"linkToken={TOKEN}", sent.value.url)
        self.assertIn("nonce=", sent.value.url)
        self.assertEqual(LineLinkNonce.objects.filter(resident=self.w.hanako).count(), 1)

"""Every page carries a self-only Content-Security-Policy and still works under it (finding 10).

The policy has no 'unsafe-inline': templates carry no inline script, style or event handler
(the two API documentation pages' own inline bits carry the per-request nonce instead).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.test import override_settings

from tests.base import BaseTestCase

from .helpers import API, SecurityTestCase

ROOT = Path(__file__).resolve().parents[2]
APPS = ("frontend", "scheduling", "notifications", "api", "yurikago")
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>|<style(?![^>]*\bnonce=)[^>]*>"
    r"|\son[a-z]+\s*=\s*[\"']|\sstyle\s*=\s*[\"']",
    re.I,
)


class ContentSecurityPolicyTest(BaseTestCase):
    def policy(self, url: str) -> str:
        response = self.client.get(url)
        self.assertIn(response.status_code, (200, 302), url)
        return response["Content-Security-Policy"]

    def test_resident_pages_allow_only_their_own_origin(self) -> None:
        for url in ("/", "/book/", "/login/"):
            policy = self.policy(url)
            self.assertIn("default-src 'self'", policy)
            self.assertIn("frame-ancestors 'none'", policy)
            self.assertIn("object-src 'none'", policy)
            self.assertNotIn("unsafe-inline", policy)
            self.assertNotIn("unsafe-eval", policy)
            self.assertNotIn("*", policy)

    def test_no_template_has_inline_script_style_or_handlers(self) -> None:
        offenders = []
        for app in APPS:
            for path in (ROOT / app).rglob("templates/**/*.html"):
                if "/email/" in str(path):  # mail clients never see the CSP header
                    continue
                for match in INLINE.finditer(path.read_text(encoding="utf-8")):
                    offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
        self.assertEqual(offenders, [])

    def test_htmx_is_told_not_to_inject_its_indicator_style(self) -> None:
        response = self.client.get("/book/calendar/")
        if b"htmx" in response.content:
            self.assertContains(response, '"includeIndicatorStyles":false')


@override_settings(DEBUG=False)
class ApiDocsUnderThePolicyTest(SecurityTestCase):
    def test_the_swagger_page_inline_code_carries_the_nonce_of_its_policy(self) -> None:
        response = self.client.get(f"{API}/docs/")
        self.assertEqual(response.status_code, 200)
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        self.assertIsNotNone(nonce)
        html = response.content.decode()
        for tag in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>|<style[^>]*>", html):
            self.assertIn(f'nonce="{nonce[1]}"', tag)
        self.assertNotIn("fonts.googleapis.com", self.client.get(f"{API}/redoc/").content.decode())

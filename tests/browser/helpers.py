"""Playwright (sync) against a live server, on Debian's Chromium at a phone's viewport.

Never downloads a browser: it uses /usr/bin/chromium. Without it the tests skip locally, and fail
under CI (CI=true), where .ci/run installs it. Screenshots of each step go to
test-artifacts/screenshots/<test>/ (printed at the end of the run by conftest.py).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.cache import cache
from django.test import Client

from tests.base import NOW, in_ci, make_world

CHROMIUM = os.getenv("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


def need(condition: bool, reason: str) -> None:
    """Skip with a reason locally; under CI a missing tool is a failure, not a skip."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI must provide it)")
    pytest.skip(reason)


@pytest.mark.browser
class BrowserTestCase(StaticLiveServerTestCase):
    """A fresh world per test, the clock at NOW (ticking, so the browser's timers work)."""

    host = "127.0.0.1"
    java_script = True
    language = "ja"

    @classmethod
    def setUpClass(cls) -> None:
        need(
            shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists(),
            f"Chromium not found at {CHROMIUM}: apt-get install chromium",
        )
        # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
        # test body are still synchronous and safe here.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        super().setUpClass()
        from playwright.sync_api import sync_playwright

        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()

    def setUp(self) -> None:
        self.traveller = time_machine.travel(NOW, tick=True)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)
        self.w = make_world()
        self.context = self.browser.new_context(
            viewport=PHONE,
            java_script_enabled=self.java_script,
            locale=self.language,
            base_url=self.live_server_url,
        )
        self.context.add_cookies(
            [
                {
                    "name": settings.LANGUAGE_COOKIE_NAME,
                    "value": self.language,
                    "url": self.live_server_url,
                }
            ]
        )
        self.addCleanup(self.context.close)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.steps = 0
        self._capture_sms()
        cache.clear()  # rate-limit counters start at zero (frontend/limits.py)
        self.shots = SCREENSHOTS / re.sub(r"[^\w]+", "_", self.id().split(".", 2)[-1])
        self.shots.mkdir(parents=True, exist_ok=True)

    def enter_the_code(self) -> None:
        """Not signed in, she confirms her booking with the code sent to her number
        (frontend/verify.py): read it where the SMS leaves us, and type it in."""
        self.page.wait_for_url("**/book/verify/**")
        match = re.search(r"\b(\d{6})\b", self.sms_texts[-1])
        assert match, self.sms_texts
        self.page.locator('input[name="code"]').fill(match.group(1))
        self.page.locator('form:has(input[name="code"]) button[type="submit"]').click()

    def _capture_sms(self) -> None:
        """The texts the SMS transport hands to the network (console in tests), also from the
        live server's thread."""
        from notifications.transports.console import ConsoleSmsTransport

        self.sms_texts: list[str] = []
        original = ConsoleSmsTransport.send

        def send(transport: ConsoleSmsTransport, outgoing: Any) -> Any:
            self.sms_texts.append(outgoing.text)
            return original(transport, outgoing)

        patcher = mock.patch.object(ConsoleSmsTransport, "send", send)
        patcher.start()
        self.addCleanup(patcher.stop)

    def shot(self, name: str) -> None:
        self.steps += 1
        self.page.screenshot(path=str(self.shots / f"{self.steps:02d}-{name}.png"), full_page=True)

    def sign_in(self, user: Any) -> None:
        """Give the browser a signed-in session (the login-by-code test covers signing in)."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": self.live_server_url,
                }
            ]
        )

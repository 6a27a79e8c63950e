"""A live server with the persona world, a Chromium page, and a signed-in staff session.

Sign-in: staff pages need TOTP. The browser does not type a password and a code here (that
flow is tested in tests/staff/test_mfa_gate.py with a real TOTP code); instead a test client
signs in with a real TOTP authenticator and a session marked as having passed MFA
(tests/staff/helpers.py), and its session cookie is injected into the browser context.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import Client

from scheduling.models import User
from tests.base import NOW, make_world
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, need
from tests.staff.helpers import sign_in_with_mfa


@pytest.mark.browser
class StaffBrowserTestCase(StaticLiveServerTestCase):
    host = "127.0.0.1"
    playwright: Any
    browser: Any

    @classmethod
    def setUpClass(cls) -> None:
        need(
            shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM),
            f"Chromium not found at {CHROMIUM}: apt-get install chromium",
        )
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
        import time_machine

        # The clock starts at NOW and runs, so the server's and the browser's waits work.
        traveller = time_machine.travel(NOW, tick=True)
        traveller.start()
        self.addCleanup(traveller.stop)
        self.w = make_world()
        self.context = self.browser.new_context(locale="en-GB", timezone_id="Asia/Tokyo")
        self.addCleanup(self.context.close)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)

    def sign_in(self, user: User) -> None:
        client = Client()
        sign_in_with_mfa(client, user)
        self.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": self.live_server_url,
                }
            ]
        )

    def open(self, path: str) -> None:
        self.page.goto(self.live_server_url + path)

"""Finding 8: code guessing had no lockout over time (15 guesses a minute per number, forever).
Now after LOGIN_CODE_WRONG_PER_DAY wrong codes for one number (or address) in a day, sign-in by
that number waits until tomorrow: even the right code is refused, no new code is sent, she is
told so and pointed to her email, and the log says so with the number masked."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.core.cache import cache
from django.test import Client, override_settings

from notifications.models import Message
from tests.base import NOW, BaseTestCase
from tests.fakes.twilio import FakeTwilio

CONFIRM = "/accounts/login/code/confirm/"
LOCKED = "Too many wrong codes today"


@override_settings(LOGIN_CODE_WRONG_PER_DAY=3)
class CodeLockoutTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.twilio = FakeTwilio().start()
        self.addCleanup(self.twilio.stop)
        overrides = override_settings(**self.twilio.settings(), PROVIDER_TIMEOUT_SECONDS=2)
        overrides.enable()
        self.addCleanup(overrides.disable)

    def ask(self, client: Client, login: str) -> object:
        return client.post("/login/", {"login": login}, HTTP_ACCEPT_LANGUAGE="en")

    def guess(self, client: Client, code: str) -> object:
        return client.post(CONFIRM, {"action": "verify", "code": code}, HTTP_ACCEPT_LANGUAGE="en")

    def last_code(self) -> str:
        match = re.search(r"\b(\d{6})\b", self.twilio.sent[-1].body)
        assert match
        return match.group(1)

    def test_after_n_wrong_codes_even_the_right_one_is_refused_and_she_is_told(self) -> None:
        client = Client()
        self.ask(client, "090-1111-2222")
        code = self.last_code()
        wrong = "000000" if code != "000000" else "111111"
        with self.assertLogs("yurikago.security", "WARNING") as logs:
            for _ in range(3):
                self.guess(client, wrong)
        response = self.guess(client, code)
        self.assertNotIn("_auth_user_id", client.session)
        self.assertContains(response, LOCKED, status_code=200)
        self.assertIn("email", response.content.decode())
        line = " ".join(logs.output)
        self.assertIn("…2222", line)
        self.assertNotIn("9011112222", line)

    def test_asking_again_sends_nothing_until_tomorrow(self) -> None:
        client = Client()
        self.ask(client, "090-1111-2222")
        for _ in range(3):
            self.guess(client, "000001")
        sent = Message.objects.filter(purpose="login_code").count()
        response = self.ask(Client(), "090-1111-2222")
        self.assertContains(response, LOCKED)
        self.assertEqual(Message.objects.filter(purpose="login_code").count(), sent)
        # …while her email still works,
        response = self.ask(Client(), "hanako@example.jp")
        self.assertEqual(response.status_code, 302)
        # …and the number works again the next day.
        with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
            self.assertEqual(self.ask(Client(), "090-1111-2222").status_code, 302)

    def test_an_unknown_number_is_locked_alike_so_the_lock_tells_nothing(self) -> None:
        for number in ["090-1111-2222", "090-9999-0000"]:
            client = Client()
            self.ask(client, number)
            for _ in range(3):
                self.guess(client, "000001")
            with self.subTest(number):
                self.assertContains(self.ask(Client(), number), LOCKED)

"""Residents sign in with a one-time code to their mobile (SMS) or email; no password.

The code is read where it really goes: the SMS body at a fake Twilio on loopback (the network
edge), and the email in Django's test mail outbox.
"""

from __future__ import annotations

import re

from django.core import mail
from django.test import override_settings

from notifications.models import Message
from tests.base import BaseTestCase
from tests.fakes.twilio import FakeTwilio


def code_in(text: str) -> str:
    match = re.search(r"\b(\d{6})\b", text)
    assert match, text
    return match.group(1)


class LoginByCodeTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.twilio = FakeTwilio().start()
        self.addCleanup(self.twilio.stop)
        overrides = override_settings(**self.twilio.settings(), PROVIDER_TIMEOUT_SECONDS=2)
        overrides.enable()
        self.addCleanup(overrides.disable)

    def test_she_signs_in_with_a_code_sent_by_sms(self) -> None:
        response = self.client.post("/login/", {"login": "090-1111-2222"})
        self.assertRedirects(
            response, "/accounts/login/code/confirm/", fetch_redirect_response=False
        )
        self.assertEqual(len(self.twilio.sent), 1)
        sms = self.twilio.sent[0]
        self.assertEqual(sms.to, "+819011112222")
        self.assertNotIn("妊", sms.body)
        row = Message.objects.get(purpose="login_code")
        self.assertEqual(row.channel, "sms")
        page = self.client.get("/accounts/login/code/confirm/")
        self.assertContains(page, 'autocomplete="one-time-code"')
        response = self.client.post(
            "/accounts/login/code/confirm/", {"action": "verify", "code": code_in(sms.body)}
        )
        self.assertRedirects(response, "/bookings/", fetch_redirect_response=False)
        self.w.hanako.user.refresh_from_db()
        self.assertTrue(self.w.hanako.user.phone_verified)
        self.assertEqual(self.client.get("/bookings/").status_code, 200)

    def test_she_signs_in_with_a_code_sent_by_email(self) -> None:
        self.client.post("/login/", {"login": "hanako@example.jp"})
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertIn("葛飾区", message.subject)
        self.assertNotIn("妊", message.subject)
        response = self.client.post(
            "/accounts/login/code/confirm/", {"action": "verify", "code": code_in(message.body)}
        )
        self.assertRedirects(response, "/bookings/", fetch_redirect_response=False)

    def test_a_wrong_code_is_refused_in_plain_words(self) -> None:
        self.client.post("/login/", {"login": "090-1111-2222"})
        response = self.client.post(
            "/accounts/login/code/confirm/", {"action": "verify", "code": "000000"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'aria-invalid="true"')
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_an_unknown_number_reveals_nothing_and_sends_nothing(self) -> None:
        response = self.client.post("/login/", {"login": "090-9999-0000"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.twilio.sent, [])

    def test_something_that_is_neither_a_number_nor_an_email_is_explained(self) -> None:
        response = self.client.post("/login/", {"login": "hanako"}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "not a Japanese mobile number or an email address")
        self.assertContains(response, 'value="hanako"')

    def test_staff_still_sign_in_with_a_password_at_accounts_login(self) -> None:
        response = self.client.post(
            "/accounts/login/",
            {"login": "mori@katsushika.example", "password": "correct horse battery staple"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertIn("_auth_user_id", self.client.session)

    def test_nobody_can_sign_up_through_allauth(self) -> None:
        response = self.client.get("/accounts/signup/")
        self.assertNotContains(response, "password1", status_code=200)

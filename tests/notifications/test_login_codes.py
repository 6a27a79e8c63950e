"""Login codes go out at once through the outbox; the code is cleared after sending and never
logged."""

from __future__ import annotations

import logging

from django.core import mail

from notifications.login_codes import message_send_login_code
from notifications.models import Message
from tests.notifications.helpers import FakeTwilioTestCase


class LoginCodesTest(FakeTwilioTestCase):
    def send(self, channel: str = "sms", recipient: str = "+819011112222") -> Message:
        return message_send_login_code(
            municipality=self.w.katsushika,
            channel=channel,
            recipient=recipient,
            code="482913",
            language="ja",
        )

    def test_an_sms_code_is_sent_at_once_and_then_forgotten(self) -> None:
        with self.assertLogs(level=logging.DEBUG) as logs:
            logging.getLogger("probe").debug("start")
            message = self.send()
        self.assertEqual(message.status, Message.Status.SENT)
        self.assertEqual(message.purpose, Message.Purpose.LOGIN_CODE)
        self.assertIsNone(message.booking)
        self.assertEqual(message.context, {})
        self.assertIn("482913", self.twilio.sent[0].body)
        self.assertNotIn("482913", "\n".join(logs.output))

    def test_an_email_code_is_sent_at_once(self) -> None:
        message = self.send(channel="email", recipient="hanako@example.jp")
        self.assertEqual(message.status, Message.Status.SENT)
        [email] = mail.outbox
        self.assertIn("482913", email.body)
        self.assertIn("予約", email.subject)
        self.assertNotIn("482913", email.subject)  # the subject shows on a lock screen
        self.assertEqual(message.context, {})

    def test_a_transient_failure_is_retried_in_the_background(self) -> None:
        self.twilio.script(("error", 503, 20503))
        message = self.send()
        # Tests run tasks eagerly, so the retry has already happened.
        self.assertEqual(message.status, Message.Status.SENT)
        self.assertEqual(message.attempts, 2)
        self.assertEqual(message.context, {})

    def test_an_invalid_number_fails_and_the_code_is_cleared(self) -> None:
        self.twilio.fail_for["+819011112222"] = (400, 21211)
        message = self.send()
        self.assertEqual(message.status, Message.Status.FAILED)
        self.assertEqual(message.context, {})
        self.assertFalse(Message.objects.filter(channel="email").exists())

"""Twilio failing: transient errors are retried with backoff (at most 5 times), permanent ones
fail at once and fall back to email; every failure stays visible on the row."""

from __future__ import annotations

from django.core import mail

from notifications.models import Message
from notifications.tasks import send_message
from tests.notifications.helpers import FakeTwilioTestCase


class SmsProviderFaultsTest(FakeTwilioTestCase):
    def test_a_500_is_retried_and_then_sent(self) -> None:
        self.twilio.script(("error", 500, 20500), ("error", 503, 20503))
        booking = self.book()
        self.dispatch()
        row = self.row(booking)
        self.assertEqual(row.status, Message.Status.SENT)
        self.assertEqual(row.attempts, 3)
        self.assertEqual(len(self.twilio.sent), 1)

    def test_500s_are_retried_five_times_then_the_message_fails_visibly(self) -> None:
        self.twilio.script(*[("error", 500, 20500)] * 6)
        booking = self.book(email=False)
        self.dispatch()
        row = self.row(booking)
        self.assertEqual(row.status, Message.Status.FAILED)
        self.assertEqual(row.attempts, 6)  # the first attempt and five retries
        self.assertEqual(len(self.twilio.requests), 6)
        self.assertIn("HTTP 500", row.last_error)
        self.assertIsNone(row.lease_until)

    def test_a_timeout_is_retried_then_fails(self) -> None:
        self.twilio.script(*[("hang", 2)] * 6)
        booking = self.book()
        self.dispatch()
        row = self.row(booking)
        self.assertEqual(row.status, Message.Status.FAILED)
        self.assertEqual(row.error_code, "timeout")
        self.assertEqual(row.attempts, 6)

    def test_429_too_many_requests_is_transient(self) -> None:
        self.twilio.script(("error", 429, 20429))
        booking = self.book()
        self.dispatch()
        self.assertEqual(self.row(booking).status, Message.Status.SENT)
        self.assertEqual(self.row(booking).attempts, 2)

    def test_the_retries_back_off_exponentially_and_stop_at_five(self) -> None:
        self.assertEqual(send_message.max_retries, 5)
        self.assertTrue(send_message.retry_backoff)
        self.assertTrue(send_message.retry_jitter)
        self.assertLessEqual(send_message.retry_backoff_max, 600)
        self.assertIsNotNone(send_message.time_limit)

    def test_an_invalid_number_fails_at_once_and_falls_back_to_email(self) -> None:
        self.twilio.fail_for["+819011112222"] = (400, 21211)
        booking = self.book(sms=True, email=False)
        self.dispatch()
        sms = self.row(booking)
        self.assertEqual(sms.status, Message.Status.FAILED)
        self.assertEqual(sms.attempts, 1)
        self.assertEqual(sms.error_code, "21211")
        self.assertNotIn("9011112222", sms.last_error)  # Twilio's text quotes the number
        email = Message.objects.get(booking=booking, purpose="confirmation", channel="email")
        self.assertEqual(email.fallback_of, sms)
        self.assertEqual(email.recipient, "hanako@example.jp")
        self.dispatch()
        email.refresh_from_db()
        self.assertEqual(email.status, Message.Status.SENT)
        self.assertEqual(len(mail.outbox), 1)

    def test_a_landline_fails_at_once(self) -> None:
        self.twilio.fail_for["+819011112222"] = (400, 21614)
        booking = self.book()
        self.dispatch()
        self.assertEqual(self.row(booking).status, Message.Status.FAILED)
        self.assertEqual(self.row(booking).attempts, 1)

    def test_no_fallback_when_she_has_no_email(self) -> None:
        self.w.hanako.email = ""
        self.w.hanako.save()
        self.twilio.fail_for["+819011112222"] = (400, 21211)
        booking = self.book()
        self.dispatch()
        self.assertFalse(Message.objects.filter(booking=booking, channel="email").exists())

    def test_no_second_email_when_she_already_gets_this_one_by_email(self) -> None:
        self.twilio.fail_for["+819011112222"] = (400, 21211)
        booking = self.book(sms=True, email=True)
        self.dispatch()
        emails = Message.objects.filter(booking=booking, purpose="confirmation", channel="email")
        self.assertEqual(emails.count(), 1)
        self.assertIsNone(emails.get().fallback_of)

"""SMS go through the real twilio client to Twilio's Messages resource (a fake on loopback)."""

from __future__ import annotations

from notifications.models import Message
from tests.notifications.helpers import FakeTwilioTestCase


class SmsThroughTwilioTest(FakeTwilioTestCase):
    def test_a_confirmation_reaches_twilio_once_and_records_its_sid(self) -> None:
        booking = self.book()
        self.dispatch()
        row = self.row(booking)
        self.assertEqual(row.status, Message.Status.SENT)
        self.assertEqual(len(self.twilio.sent), 1)
        sent = self.twilio.sent[0]
        self.assertEqual(row.provider_id, sent.sid)
        self.assertEqual(sent.to, "+819011112222")
        self.assertIn("予約確定", sent.body)
        self.assertIn(booking.display_reference, sent.body)
        self.assertEqual(row.attempts, 1)
        self.assertIsNone(row.attempt_started_at)

    def test_it_uses_the_messaging_service_and_asks_for_status_callbacks(self) -> None:
        booking = self.book()
        self.dispatch()
        form = self.twilio.requests[0].form
        self.assertTrue(form["MessagingServiceSid"].startswith("MG"))
        self.assertNotIn("From", form)
        self.assertEqual(
            form["StatusCallback"],
            f"http://127.0.0.1:8000/notifications/twilio/status/?m={self.row(booking).pk}",
        )

    def test_it_sends_from_a_number_when_no_messaging_service_is_set(self) -> None:
        from django.test import override_settings

        with override_settings(TWILIO_MESSAGING_SERVICE_SID="", TWILIO_FROM_NUMBER="+815012345678"):
            self.book()
            self.dispatch()
        form = self.twilio.requests[0].form
        self.assertEqual(form["From"], "+815012345678")
        self.assertNotIn("MessagingServiceSid", form)

    def test_a_second_dispatch_sends_nothing_again(self) -> None:
        self.book()
        self.dispatch()
        self.dispatch()
        self.assertEqual(len(self.twilio.requests), 1)

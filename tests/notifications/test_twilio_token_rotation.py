"""Rotating Twilio's auth token: while both tokens are configured, callbacks signed with either
count; once the old one is removed, callbacks signed with it are refused."""

from __future__ import annotations

from django.test import override_settings

from notifications.models import Message
from tests.fakes.twilio import AUTH_TOKEN, signed_post
from tests.notifications.helpers import FakeTwilioTestCase

URL = "/notifications/twilio/status/"
NEW_TOKEN = "the-new-twilio-auth-token"


@override_settings(SITE_ROOT="http://testserver")
class TwilioTokenRotationTest(FakeTwilioTestCase):
    def report(self, message: Message, token: str):  # type: ignore[no-untyped-def]
        params = {"MessageSid": message.provider_id, "MessageStatus": "delivered"}
        return signed_post(self.client, f"{URL}?m={message.pk}", params, token=token)

    def sent_sms(self) -> Message:
        booking = self.book()
        self.dispatch()
        return self.row(booking)

    def test_a_report_signed_with_the_secondary_token_counts_during_a_rotation(self) -> None:
        message = self.sent_sms()
        with override_settings(TWILIO_SECONDARY_AUTH_TOKEN=NEW_TOKEN):
            self.assertEqual(self.report(message, NEW_TOKEN).status_code, 200)
        message.refresh_from_db()
        self.assertEqual(message.status, Message.Status.DELIVERED)

    def test_the_primary_token_still_counts_during_a_rotation(self) -> None:
        message = self.sent_sms()
        with override_settings(TWILIO_SECONDARY_AUTH_TOKEN=NEW_TOKEN):
            self.assertEqual(self.report(message, AUTH_TOKEN).status_code, 200)

    def test_a_token_that_is_neither_is_refused(self) -> None:
        message = self.sent_sms()
        with override_settings(TWILIO_SECONDARY_AUTH_TOKEN=NEW_TOKEN):
            self.assertEqual(self.report(message, "an-old-revoked-token").status_code, 403)
        message.refresh_from_db()
        self.assertEqual(message.status, Message.Status.SENT)

    def test_without_a_secondary_token_only_the_primary_counts(self) -> None:
        message = self.sent_sms()
        with override_settings(TWILIO_SECONDARY_AUTH_TOKEN=""):
            self.assertEqual(self.report(message, NEW_TOKEN).status_code, 403)
            self.assertEqual(self.report(message, AUTH_TOKEN).status_code, 200)

"""Twilio's delivery reports: only signed ones count; unknown ids get 200."""

from __future__ import annotations

from django.test import override_settings

from notifications.models import Message
from tests.fakes.twilio import signed_post
from tests.notifications.helpers import FakeTwilioTestCase

URL = "/notifications/twilio/status/"


@override_settings(SITE_ROOT="http://testserver")
class TwilioStatusCallbackTest(FakeTwilioTestCase):
    def sent_sms(self) -> Message:
        booking = self.book()
        self.dispatch()
        return self.row(booking)

    def report(self, message: Message, status: str, **extra: str):  # type: ignore[no-untyped-def]
        params = {"MessageSid": message.provider_id, "MessageStatus": status, **extra}
        return signed_post(self.client, f"{URL}?m={message.pk}", params)

    def test_a_signed_delivered_report_marks_it_delivered(self) -> None:
        message = self.sent_sms()
        response = self.report(message, "delivered")
        self.assertEqual(response.status_code, 200)
        message.refresh_from_db()
        self.assertEqual(message.status, Message.Status.DELIVERED)
        self.assertIsNotNone(message.delivered_at)

    def test_an_unsigned_report_is_refused_and_changes_nothing(self) -> None:
        message = self.sent_sms()
        response = self.client.post(
            URL, {"MessageSid": message.provider_id, "MessageStatus": "failed"}
        )
        self.assertEqual(response.status_code, 403)
        message.refresh_from_db()
        self.assertEqual(message.status, Message.Status.SENT)

    def test_a_forged_signature_is_refused_and_changes_nothing(self) -> None:
        message = self.sent_sms()
        params = {"MessageSid": message.provider_id, "MessageStatus": "failed"}
        response = signed_post(self.client, URL, params, token="not-the-real-token")
        self.assertEqual(response.status_code, 403)
        tampered = self.client.post(
            URL,
            {**params, "MessageStatus": "undelivered"},
            headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
        )
        self.assertEqual(tampered.status_code, 403)
        message.refresh_from_db()
        self.assertEqual(message.status, Message.Status.SENT)
        self.assertFalse(Message.objects.filter(channel="email").exists())

    def test_an_unknown_message_gets_200_so_twilio_stops_retrying(self) -> None:
        response = signed_post(
            self.client, URL, {"MessageSid": "SMunknown", "MessageStatus": "delivered"}
        )
        self.assertEqual(response.status_code, 200)

    def test_get_is_not_allowed(self) -> None:
        self.assertEqual(self.client.get(URL).status_code, 405)

    def test_undelivered_marks_it_failed_with_the_code_and_falls_back_to_email(self) -> None:
        message = self.sent_sms()
        self.report(message, "undelivered", ErrorCode="30006")
        message.refresh_from_db()
        self.assertEqual(message.status, Message.Status.FAILED)
        self.assertEqual(message.error_code, "30006")
        self.assertIn("landline", message.last_error)
        fallback = Message.objects.get(channel="email", fallback_of=message)
        self.assertEqual(fallback.purpose, "confirmation")

    def test_a_late_sent_report_does_not_undo_delivered(self) -> None:
        message = self.sent_sms()
        self.report(message, "delivered")
        self.report(message, "sent")
        message.refresh_from_db()
        self.assertEqual(message.status, Message.Status.DELIVERED)

    def test_a_report_settles_a_send_whose_outcome_we_never_recorded(self) -> None:
        booking = self.book()
        row = self.row(booking)
        # As if the worker died after Twilio accepted it: still "sending", no sid.
        Message.objects.filter(pk=row.pk).update(
            status="sending", claim=1, attempt_started_at=row.send_at
        )
        params = {"MessageSid": "SMabc", "MessageStatus": "delivered"}
        signed_post(self.client, f"{URL}?m={row.pk}", params)
        row.refresh_from_db()
        self.assertEqual(row.status, Message.Status.DELIVERED)
        self.assertEqual(row.provider_id, "SMabc")
        self.assertIsNone(row.attempt_started_at)


class StatusCallbackPathTest(FakeTwilioTestCase):
    def test_the_callback_path_we_give_twilio_is_where_the_view_lives(self) -> None:
        from django.urls import resolve

        from notifications import views
        from notifications.transports.sms import STATUS_CALLBACK_PATH

        self.assertEqual(resolve(STATUS_CALLBACK_PATH).func, views.twilio_status)

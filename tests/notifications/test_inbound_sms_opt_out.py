"""STOP / 停止 / 配信停止 stop our SMS to that number; START brings them back."""

from __future__ import annotations

from django.test import override_settings

from notifications.models import Message, SmsOptOut
from tests.fakes.twilio import signed_post
from tests.notifications.helpers import FakeTwilioTestCase

URL = "/notifications/twilio/inbound/"
HANAKO = "+819011112222"


@override_settings(SITE_ROOT="http://testserver")
class InboundSmsOptOutTest(FakeTwilioTestCase):
    def text_us(self, body: str, phone: str = HANAKO):  # type: ignore[no-untyped-def]
        return signed_post(self.client, URL, {"From": phone, "Body": body, "MessageSid": "SMin"})

    def test_stop_words_opt_her_out_and_get_a_confirmation(self) -> None:
        for word in ["STOP", "stop ", "停止", "配信停止", "ＳＴＯＰ"]:
            with self.subTest(word=word):
                SmsOptOut.objects.all().delete()
                response = self.text_us(word)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], "text/xml; charset=utf-8")
                self.assertIn("<Message>配信を停止しました", response.content.decode())
                self.assertTrue(SmsOptOut.objects.filter(phone=HANAKO).exists())
                self.w.hanako.refresh_from_db()
                self.assertTrue(self.w.hanako.sms_opt_out)

    def test_no_more_sms_after_stop_and_the_message_goes_by_email(self) -> None:
        booking = self.book(sms=True, email=False)
        self.text_us("停止")
        self.dispatch()
        sms = self.row(booking)
        self.assertEqual(sms.status, Message.Status.SKIPPED)
        self.assertEqual(sms.error_code, "opted_out")
        self.assertEqual(self.twilio.requests, [])
        self.assertTrue(Message.objects.filter(channel="email", fallback_of=sms).exists())

    def test_start_opts_her_back_in(self) -> None:
        self.text_us("STOP")
        response = self.text_us("START")
        self.assertIn("STOP", response.content.decode())
        self.assertFalse(SmsOptOut.objects.filter(phone=HANAKO).exists())
        self.w.hanako.refresh_from_db()
        self.assertFalse(self.w.hanako.sms_opt_out)

    def test_the_reply_is_in_her_language(self) -> None:
        self.w.hanako.preferred_language = "en"
        self.w.hanako.save()
        self.assertIn("no more SMS", self.text_us("STOP").content.decode())

    def test_other_words_get_no_reply_and_change_nothing(self) -> None:
        response = self.text_us("明日行けません")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("<Message>", response.content.decode())
        self.assertFalse(SmsOptOut.objects.exists())

    def test_an_unsigned_stop_is_refused(self) -> None:
        response = self.client.post(URL, {"From": HANAKO, "Body": "STOP"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(SmsOptOut.objects.exists())

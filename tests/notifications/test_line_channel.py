"""LINE as the first channel: a resident linked to the official account gets her messages by
LINE (through the real SDK to a fake LINE), instead of SMS; a 429 is retried; a block is her
opt-out of LINE and the message falls back to SMS; after an unfollow nothing goes by LINE."""

from __future__ import annotations

from django.test import override_settings

from notifications.line_webhook import line_follow_set
from notifications.models import LineFriend, Message
from notifications.outbox import messages_queue_for_booking
from notifications.texts import render_message
from tests.fakes.line import FakeLine, follow_event, signed_webhook
from tests.notifications.helpers import FakeTwilioTestCase

USER = "U" + "4" * 32
HEALTH_WORDS = ("妊娠", "妊婦", "母子", "出産", "pregnan", "maternity", "health", "健康")


class LineChannelTest(FakeTwilioTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.line = FakeLine().start()
        self.addCleanup(self.line.stop)
        overrides = override_settings(**self.line.settings())
        overrides.enable()
        self.addCleanup(overrides.disable)
        LineFriend.objects.create(user_id=USER, resident=self.w.hanako, event_ms=1)

    def test_her_confirmation_goes_by_line_through_the_sdk_and_not_by_sms(self) -> None:
        booking = self.book()
        self.dispatch()
        row = self.row(booking, channel="line")
        self.assertEqual(row.status, Message.Status.SENT)
        self.assertEqual(len(self.line.sent), 1)
        self.assertEqual(self.line.sent[0].to, USER)
        self.assertIn(booking.display_reference, self.line.sent[0].texts[0])
        self.assertEqual(row.provider_id, self.line.sent[0].id)
        self.assertFalse(Message.objects.filter(booking=booking, channel="sms").exists())
        self.assertEqual(self.twilio.sent, [])

    def test_her_reminders_are_queued_by_line(self) -> None:
        booking = self.book()
        reminders = Message.objects.filter(booking=booking, purpose="reminder")
        self.assertTrue(reminders.exists())
        self.assertEqual(set(reminders.values_list("channel", flat=True)), {"line"})

    def test_a_429_is_retried_and_then_sent(self) -> None:
        self.line.script(("throttle", 1), ("error", 500))
        booking = self.book()
        self.dispatch()
        row = self.row(booking, channel="line")
        self.assertEqual(row.status, Message.Status.SENT)
        self.assertEqual(row.attempts, 3)
        self.assertEqual(len(self.line.requests), 3)
        self.assertEqual(len(self.line.sent), 1)

    def test_a_block_opts_her_out_of_line_and_the_message_falls_back_to_sms(self) -> None:
        self.line.blocked.add(USER)
        booking = self.book()
        self.dispatch()
        row = self.row(booking, channel="line")
        self.assertEqual(row.status, Message.Status.FAILED)
        self.assertEqual(row.error_code, "blocked")
        self.assertFalse(LineFriend.objects.get(user_id=USER).following)
        self.dispatch()  # the fallback, as an SMS's falls back to email
        sms = self.row(booking, channel="sms")
        self.assertEqual(sms.status, Message.Status.SENT)
        self.assertEqual(sms.fallback_of_id, row.pk)
        self.assertEqual(len(self.twilio.sent), 1)
        self.assertIn(booking.display_reference, self.twilio.sent[0].body)

    def test_after_an_unfollow_nothing_goes_by_line(self) -> None:
        booking = self.book()  # queued by LINE while she still followed
        with override_settings(LINE_CHANNEL_SECRET="fake-line-channel-secret"):
            signed_webhook(self.client, [follow_event("unfollow", USER, 2)])
        self.dispatch()
        self.assertEqual(self.line.requests, [])
        self.assertEqual(self.row(booking, channel="line").status, Message.Status.SKIPPED)
        self.dispatch()  # the fallback
        self.assertEqual(self.row(booking, channel="sms").status, Message.Status.SENT)
        # What she is owed later is queued by SMS, not by LINE.
        messages_queue_for_booking(booking=booking, purpose="reschedule")
        queued = Message.objects.filter(booking=booking, purpose="reschedule")
        self.assertEqual(set(queued.values_list("channel", flat=True)), {"sms"})
        self.dispatch()
        self.assertEqual(self.line.requests, [])

    def test_following_again_brings_line_back(self) -> None:
        line_follow_set(user_id=USER, following=False, event_ms=2)
        line_follow_set(user_id=USER, following=True, event_ms=3)
        booking = self.book()
        self.dispatch()
        self.assertEqual(self.row(booking, channel="line").status, Message.Status.SENT)

    def test_line_texts_say_no_health_word_and_staff_do_not_see_her_line_id(self) -> None:
        booking = self.book()
        rows = list(Message.objects.filter(booking=booking, channel="line"))
        self.assertGreaterEqual(len(rows), 2)  # the confirmation and her reminders
        for row in rows:
            self.assertNotIn(USER, row.masked_recipient)
            for language in ("ja", "en", "ja-easy", "zh-hans", "ko", "vi", "tl", "ne"):
                row.language = language
                text = render_message(row).text.lower()
                self.assertIn(booking.display_reference.lower(), text)
                for word in HEALTH_WORDS:
                    self.assertNotIn(word.lower(), text, (language, row.purpose))

    def test_a_failed_line_message_sent_again_goes_to_her_line_id_while_she_follows(self) -> None:
        from django.utils import translation

        from notifications.outbox import message_resend
        from yurikago.errors import DomainError

        self.line.script(*[("error", 500)] * 6)
        booking = self.book()
        self.dispatch()
        row = self.row(booking, channel="line")
        self.assertEqual(row.status, Message.Status.FAILED)
        message_resend(message_id=row.pk, actor=self.w.nurse_sato.user)
        row.refresh_from_db()
        self.assertEqual((row.status, row.recipient), (Message.Status.PENDING, USER))
        Message.objects.filter(pk=row.pk).update(status=Message.Status.FAILED)
        line_follow_set(user_id=USER, following=False, event_ms=5)
        with translation.override("ja"), self.assertRaises(DomainError) as caught:
            message_resend(message_id=row.pk, actor=self.w.nurse_sato.user)
        self.assertIn("LINE", str(caught.exception.message))

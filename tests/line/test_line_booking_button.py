"""A button to her booking under LINE confirmations, reminders and changes (issue 18): a
buttons template with a URI action to her booking page, through the real SDK to the fake LINE;
its text and alternative text keep the SMS privacy rule in all eight languages."""

from __future__ import annotations

from django.test import override_settings

from notifications.line_texts import line_booking_button
from notifications.models import LineFriend, Message
from scheduling.services import booking_cancel
from tests.fakes.line import FakeLine
from tests.notifications.helpers import FakeTwilioTestCase

USER = "U" + "c" * 32
LANGUAGES = ("ja", "en", "ja-easy", "zh-hans", "ko", "vi", "tl", "ne")
HEALTH_WORDS = (
    "妊娠", "妊婦", "母子", "出産", "赤ちゃん", "pregnan", "maternity", "baby", "health", "健康",
    "임신", "怀孕", "孕", "mang thai", "buntis", "गर्भ",
)  # fmt: skip


class LineBookingButtonTest(FakeTwilioTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.line = FakeLine().start()
        self.addCleanup(self.line.stop)
        overrides = override_settings(**self.line.settings(), SITE_ROOT="https://yurikago.example")
        overrides.enable()
        self.addCleanup(overrides.disable)
        LineFriend.objects.create(user_id=USER, resident=self.w.hanako, event_ms=1)

    def test_her_confirmation_on_line_has_a_button_to_her_booking(self) -> None:
        booking = self.book()
        self.dispatch()
        self.assertEqual(len(self.line.sent), 1)
        text, button = self.line.sent[0].messages
        self.assertEqual(text["type"], "text")
        self.assertIn(booking.display_reference, text["text"])
        self.assertEqual(button["type"], "template")
        self.assertEqual(button["template"]["type"], "buttons")
        action = button["template"]["actions"][0]
        self.assertEqual(action["type"], "uri")
        self.assertEqual(action["uri"], f"https://yurikago.example/bookings/{booking.reference}/")
        self.assertLessEqual(len(action["label"]), 20)
        self.assertLessEqual(len(button["template"]["text"]), 160)
        self.assertIn(booking.display_reference, button["altText"])

    def test_a_cancellation_on_line_has_the_button_too(self) -> None:
        booking = self.book()
        self.dispatch()
        booking_cancel(booking=booking)
        self.dispatch()
        row = Message.objects.get(booking=booking, purpose="cancellation", channel="line")
        self.assertEqual(row.status, Message.Status.SENT)
        self.assertEqual(len(self.line.sent[-1].messages), 2)

    def test_no_button_by_sms_or_for_a_sign_in_code(self) -> None:
        booking = self.book()
        line_row = self.row(booking, channel="line")
        line_row.channel = Message.Channel.SMS
        self.assertIsNone(line_booking_button(line_row))
        code = Message(
            municipality=self.w.katsushika,
            purpose=Message.Purpose.LOGIN_CODE,
            channel=Message.Channel.LINE,
            recipient=USER,
        )
        self.assertIsNone(line_booking_button(code))

    def test_the_button_text_says_no_health_word_in_any_language(self) -> None:
        booking = self.book()
        rows = list(Message.objects.filter(booking=booking, channel="line"))
        self.assertGreaterEqual(len(rows), 2)
        seen = set()
        for row in rows:
            for language in LANGUAGES:
                row.language = language
                button = line_booking_button(row)
                assert button is not None
                for shown in (button.text, button.alt_text, button.label):
                    lowered = shown.lower()
                    for word in HEALTH_WORDS:
                        self.assertNotIn(word.lower(), lowered, (language, shown))
                self.assertIn(booking.display_reference, button.alt_text)
                self.assertLessEqual(len(button.label), 20, (language, button.label))
                self.assertLessEqual(len(button.text), 160, (language, button.text))
                seen.add((language, button.label))
        # Each language has its own wording once translated (English is the fallback).
        self.assertEqual(len({label for lang, label in seen if lang in ("ja", "en")}), 2)

    def test_the_linking_button_says_no_health_word(self) -> None:
        from notifications.line_linking import _invite_button

        button = _invite_button("https://yurikago.example/line/link/?linkToken=t")
        for shown in (button.text, button.alt_text, button.label):
            for word in HEALTH_WORDS:
                self.assertNotIn(word.lower(), shown.lower())
        self.assertIn("LINE", button.text)
        self.assertLessEqual(len(button.text), 160)

"""A remote interview's SMS texts, in every language: the way (phone: our number; video: the
word, then the link last), the time and the reference, so the text makes sense when a carrier
drops the link; no word about pregnancy or health; at most two segments."""

from __future__ import annotations

import datetime as dt

from django.test import SimpleTestCase

from notifications.texts import (
    HEALTH_WORDS,
    format_when,
    render_sms,
    sms_segments,
    template_language,
)
from tests.base import TOKYO

LANGUAGES = ["ja", "ja-easy", "en", "zh-hans", "ko", "vi", "ne", "tl"]
PURPOSES = ["confirmation_remote", "reminder_remote", "reschedule_remote"]
LINK = "https://meet.example/abc-def-ghi"
START = dt.datetime(2026, 12, 23, 18, 15, tzinfo=TOKYO)


def context(language: str, mode: str, join_url: str = "") -> dict[str, object]:
    return {
        "municipality": "葛飾区" if language.startswith("ja") else "Katsushika City",
        "when": format_when(START, TOKYO, language),
        "reference": "ACDE-FGHJ",
        "remote": True,
        "mode": mode,
        "join_url": join_url,
        "call_to": "090-1111-2222",
        "call_from": "03-3602-1284",
    }


class RemoteSmsTextsTest(SimpleTestCase):
    def render(self, language: str, purpose: str, mode: str, join_url: str = "") -> str:
        lang = template_language("sms", purpose, language)
        self.assertEqual(lang, language, "every language has its own remote texts")
        return render_sms(purpose, lang, context(language, mode, join_url)).text

    def test_a_phone_interview_names_our_number_the_time_and_the_reference(self) -> None:
        for language in LANGUAGES:
            for purpose in PURPOSES:
                text = self.render(language, purpose, "phone")
                with self.subTest(language=language, purpose=purpose, text=text):
                    self.assertIn("03-3602-1284", text)
                    self.assertIn("18:15", text)
                    self.assertIn("ACDE-FGHJ", text)
                    self.assertNotIn("http", text)

    def test_a_video_interview_puts_the_link_last_so_the_rest_stands_without_it(self) -> None:
        for language in LANGUAGES:
            for purpose in PURPOSES:
                text = self.render(language, purpose, "video", LINK)
                with self.subTest(language=language, purpose=purpose, text=text):
                    self.assertTrue(text.endswith(LINK))
                    without = text[: -len(LINK)]
                    self.assertIn("ACDE-FGHJ", without)
                    self.assertIn("18:15", without)

    def test_no_health_word_and_at_most_two_segments(self) -> None:
        for language in LANGUAGES:
            for purpose in PURPOSES:
                for mode, link in (("phone", ""), ("video", LINK), ("video", "")):
                    text = self.render(language, purpose, mode, link)
                    with self.subTest(language=language, purpose=purpose, mode=mode, text=text):
                        for word in HEALTH_WORDS:
                            self.assertNotIn(word.lower(), text.lower())
                        self.assertLessEqual(sms_segments(text), 2)


class RemoteEmailTextsTest(SimpleTestCase):
    def test_every_language_renders_the_link_or_both_numbers_and_a_subject(self) -> None:
        from notifications.texts import render_email

        for language in LANGUAGES:
            for purpose in PURPOSES:
                lang = template_language("email", purpose, language)
                video = render_email(purpose, lang, context(language, "video", LINK) | {"url": "u"})
                phone = render_email(purpose, lang, context(language, "phone") | {"url": "u"})
                with self.subTest(language=language, purpose=purpose):
                    self.assertEqual(lang, language)
                    self.assertIn(LINK, video.text)
                    self.assertIn("090-1111-2222", phone.text)
                    self.assertIn("03-3602-1284", phone.text)
                    self.assertIn("ACDE-FGHJ", video.subject + video.text)

"""Every SMS text in every language fits one UCS-2 segment where possible and never more than
two, makes sense without a link, and says nothing about pregnancy or health."""

from __future__ import annotations

import datetime as dt
import os

from django.conf import settings
from django.test import SimpleTestCase

from notifications.texts import (
    HEALTH_WORDS,
    format_when,
    language_chain,
    render_sms,
    sms_segments,
    template_language,
)
from tests.base import TOKYO

LANGUAGES = ["ja", "ja-easy", "en", "zh-hans", "ko", "vi", "ne", "tl"]
BOOKING_PURPOSES = ["confirmation", "reminder", "reschedule", "cancellation"]
PURPOSES = [*BOOKING_PURPOSES, "login_code", "opted_out", "opted_in"]
# Lock screens and shared phones: none of these may appear in an SMS we write.
FORBIDDEN = list(HEALTH_WORDS)
LONGEST_SITE = ("子ども未来プラザ東四つ木", "Kodomo Mirai Plaza Higashi-Yotsugi")
TYPICAL_SITE = ("青戸保健センター", "Aoto Health Center")


def context(language: str, start: dt.datetime, site: tuple[str, str]) -> dict[str, object]:
    japanese = language.startswith("ja")
    return {
        "municipality": "葛飾区" if japanese else "Katsushika City",
        "site": site[0] if japanese else site[1],
        "when": format_when(start, TOKYO, language),
        "reference": "ACDE-FGHJ",
        "code": "482913",
    }


def week_of_evenings() -> list[dt.datetime]:
    # Two-digit days and months, every weekday name, the latest start time: the longest dates.
    return [dt.datetime(2026, 12, day, 18, 15, tzinfo=TOKYO) for day in range(21, 28)]


class SmsTextsTest(SimpleTestCase):
    def test_every_language_has_every_sms_text(self) -> None:
        root = os.path.join(settings.BASE_DIR, "notifications", "templates", "notifications", "sms")
        for language in LANGUAGES:
            for purpose in PURPOSES:
                self.assertTrue(
                    os.path.exists(os.path.join(root, language, f"{purpose}.txt")),
                    f"{language}/{purpose}",
                )

    def test_no_text_takes_more_than_two_segments_even_with_the_longest_names(self) -> None:
        for language in LANGUAGES:
            for purpose in PURPOSES:
                for start in week_of_evenings():
                    text = render_sms(
                        purpose, language, context(language, start, LONGEST_SITE)
                    ).text
                    with self.subTest(language=language, purpose=purpose, text=text):
                        self.assertLessEqual(sms_segments(text), 2)

    def test_japanese_english_and_tagalog_texts_fit_one_segment(self) -> None:
        for language in ["ja", "ja-easy", "en", "tl"]:
            for purpose in PURPOSES:
                for start in week_of_evenings():
                    text = render_sms(
                        purpose, language, context(language, start, LONGEST_SITE)
                    ).text
                    with self.subTest(language=language, purpose=purpose, text=text):
                        self.assertEqual(sms_segments(text), 1)

    def test_every_language_fits_one_segment_at_a_typical_site(self) -> None:
        start = dt.datetime(2026, 12, 3, 10, tzinfo=TOKYO)
        for language in LANGUAGES:
            for purpose in ["cancellation", "login_code", "opted_out", "opted_in"]:
                text = render_sms(purpose, language, context(language, start, TYPICAL_SITE)).text
                with self.subTest(language=language, purpose=purpose, text=text):
                    self.assertEqual(sms_segments(text), 1)

    def test_no_text_says_anything_about_pregnancy_or_health(self) -> None:
        neutral_site = ("会場A", "Venue A")
        for language in LANGUAGES:
            for purpose in PURPOSES:
                text = render_sms(
                    purpose, language, context(language, week_of_evenings()[0], neutral_site)
                ).text.lower()
                for word in FORBIDDEN:
                    with self.subTest(language=language, purpose=purpose, word=word):
                        self.assertNotIn(word.lower(), text)

    def test_booking_texts_make_sense_without_a_link(self) -> None:
        for language in LANGUAGES:
            for purpose in BOOKING_PURPOSES:
                text = render_sms(
                    purpose, language, context(language, week_of_evenings()[0], TYPICAL_SITE)
                ).text
                with self.subTest(language=language, purpose=purpose):
                    self.assertNotIn("http", text)
                    self.assertIn("ACDE-FGHJ", text)
                    self.assertIn("18:15", text)

    def test_the_login_code_text_carries_the_code(self) -> None:
        for language in LANGUAGES:
            text = render_sms(
                "login_code", language, context(language, week_of_evenings()[0], TYPICAL_SITE)
            ).text
            self.assertIn("482913", text)

    def test_a_language_without_texts_falls_back_to_english_then_japanese(self) -> None:
        self.assertEqual(language_chain("pt"), ["pt", "en", "ja"])
        self.assertEqual(language_chain("ja-easy"), ["ja-easy", "ja", "en"])
        self.assertEqual(template_language("sms", "confirmation", "pt"), "en")
        self.assertEqual(template_language("email", "confirmation", "pt"), "en")

    def test_segment_counting_follows_gsm_and_ucs2_rules(self) -> None:
        self.assertEqual(sms_segments("a" * 160), 1)
        self.assertEqual(sms_segments("a" * 161), 2)
        self.assertEqual(sms_segments("あ" * 70), 1)
        self.assertEqual(sms_segments("あ" * 71), 2)
        self.assertEqual(sms_segments("あ" * 134), 2)
        self.assertEqual(sms_segments("あ" * 135), 3)

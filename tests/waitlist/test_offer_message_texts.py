"""The offer's SMS, in Japanese and in English (other languages fall back to English): at most
two segments with the longest site name, a real link and the municipality's phone; it says when,
where and until when, and no health word."""

from __future__ import annotations

from django.test import SimpleTestCase

from notifications.texts import (
    HEALTH_WORDS,
    format_when,
    render_email,
    render_sms,
    sms_segments,
    template_language,
)
from tests.base import TOKYO, tokyo

URL = "https://yoyaku.city.katsushika.lg.jp/waitlist/offers/Jq2nV0x8T1aZ/"


def context(language: str) -> dict[str, object]:
    japanese = language.startswith("ja")
    return {
        "municipality": "葛飾区" if japanese else "Katsushika City",
        "site": "子ども未来プラザ東四つ木" if japanese else "Kodomo Mirai Plaza Higashi-Yotsugi",
        "address": "葛飾区東四つ木1-1-1",
        "when": format_when(tokyo(2026, 12, 4, 10, 30), TOKYO, language),
        "when_long": format_when(tokyo(2026, 12, 4, 10, 30), TOKYO, language, long=True),
        "until": "09:30",
        "url": URL,
        "contact_phone": "03-3602-1386",
    }


class OfferMessageTextsTest(SimpleTestCase):
    def test_the_sms_fits_two_segments_and_stands_without_its_link(self) -> None:
        for language in ["ja", "en", "vi"]:
            with self.subTest(language=language):
                shipped = template_language("sms", "waitlist_offer", language)
                text = render_sms("waitlist_offer", shipped, context(shipped)).text
                self.assertLessEqual(sms_segments(text), 2, text)
                self.assertIn(str(context(shipped)["when"]), text)
                self.assertIn(str(context(shipped)["until"]), text)
                self.assertIn("03-3602-1386", text)  # she can take it by phone
                self.assertIn(URL, text)
                for word in HEALTH_WORDS:
                    self.assertNotIn(word, text)

    def test_the_email_says_what_happens_if_she_does_nothing(self) -> None:
        rendered = render_email("waitlist_offer", "ja", context("ja"))
        self.assertIn("次にお待ちの方", rendered.text)
        self.assertIn("今のご予約はそのままです", rendered.text)
        for word in HEALTH_WORDS:
            self.assertNotIn(word, rendered.subject + rendered.text)

"""The offer's SMS in every language: it says when, where and until when the place is kept, has
its link (and, where it fits, the municipality's phone, to take it by calling), no health word,
and fits two segments with a typical site name. Known limit: in 简体中文, 한국어, Tiếng Việt and
नेपाली (UCS-2, with the site's English name) the longest site name takes a third segment, and
those texts leave the phone out (the email and her page have it)."""

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

LANGUAGES = ["ja", "ja-easy", "en", "zh-hans", "ko", "vi", "ne", "tl"]
WITH_PHONE = ["ja", "ja-easy", "en", "tl"]
URL = "https://yoyaku.city.katsushika.lg.jp/w/Jq2nV0x8T1aZ/"
LONGEST_SITE = ("子ども未来プラザ東四つ木", "Kodomo Mirai Plaza Higashi-Yotsugi")
TYPICAL_SITE = ("青戸保健センター", "Aoto Health Center")


def context(language: str, site: tuple[str, str] = LONGEST_SITE) -> dict[str, object]:
    japanese = language.startswith("ja")
    return {
        "municipality": "葛飾区" if japanese else "Katsushika City",
        "site": site[0] if japanese else site[1],
        "address": "葛飾区東四つ木1-1-1",
        "when": format_when(tokyo(2026, 12, 4, 10, 30), TOKYO, language),
        "when_long": format_when(tokyo(2026, 12, 4, 10, 30), TOKYO, language, long=True),
        "until": "09:30",
        "url": URL,
        "contact_phone": "03-3602-1386",
    }


def sms(language: str, site: tuple[str, str] = LONGEST_SITE) -> str:
    shipped = template_language("sms", "waitlist_offer", language)
    return render_sms("waitlist_offer", shipped, context(language, site)).text


class OfferMessageTextsTest(SimpleTestCase):
    def test_every_language_has_its_own_sms(self) -> None:
        for language in LANGUAGES:
            self.assertEqual(template_language("sms", "waitlist_offer", language), language)

    def test_the_sms_says_when_where_until_and_how_without_a_health_word(self) -> None:
        for language in LANGUAGES:
            with self.subTest(language=language):
                text = sms(language)
                for key in ("when", "until", "site"):
                    self.assertIn(str(context(language)[key]), text)
                self.assertIn(URL, text)
                if language in WITH_PHONE:
                    self.assertIn("03-3602-1386", text)  # she can take it by phone
                for word in HEALTH_WORDS:
                    self.assertNotIn(word, text)

    def test_the_sms_fits_two_segments_with_a_typical_site(self) -> None:
        for language in LANGUAGES:
            with self.subTest(language=language):
                self.assertLessEqual(sms_segments(sms(language, TYPICAL_SITE)), 2)
                limit = 2 if language in WITH_PHONE else 3
                self.assertLessEqual(sms_segments(sms(language)), limit)

    def test_every_language_has_its_own_email_with_the_link_and_the_phone(self) -> None:
        for language in LANGUAGES:
            with self.subTest(language=language):
                self.assertEqual(template_language("email", "waitlist_offer", language), language)
                rendered = render_email("waitlist_offer", language, context(language))
                for value in (URL, "03-3602-1386", "09:30", context(language)["when_long"]):
                    self.assertIn(str(value), rendered.text)
                for word in HEALTH_WORDS:
                    self.assertNotIn(word, rendered.subject + rendered.text)

    def test_the_email_says_what_happens_if_she_does_nothing(self) -> None:
        rendered = render_email("waitlist_offer", "ja", context("ja"))
        self.assertIn("次にお待ちの方", rendered.text)
        self.assertIn("今のご予約はそのままです", rendered.text)
        for word in HEALTH_WORDS:
            self.assertNotIn(word, rendered.subject + rendered.text)

"""Japanese names on pages in other languages are marked with lang="ja" (the programme's brand
in the h1, each site's name as on the building's sign, beside its translation marked with its
own lang); やさしい日本語 gives 面接 its reading; no Tagalog string is left in English."""

from __future__ import annotations

import re

from django.conf import settings

from tests.frontend.helpers import DAY, FlowTestCase, po_path, read_po

BRAND = '<span lang="ja">ゆりかご面接</span>'
# Words Tagalog pages use as they are (as Filipino sites and phones do).
TAGALOG_LOANWORDS = {"Email"}


class NamesMarkedWithTheirLanguageTest(FlowTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.w.aoto.name_en = "Aoto Health Centre"
        self.w.aoto.save()

    def get(self, url: str, language: str) -> str:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, (language, url))
        return response.content.decode()

    def h1(self, html: str) -> str:
        match = re.search(r"<h1>(.*?)</h1>", html, re.S)
        assert match is not None
        return match.group(1)

    def test_the_brand_in_the_h1_is_marked_japanese_on_other_languages_pages(self) -> None:
        for code in ("en", "zh-hans", "ko", "vi", "ne", "tl"):
            self.assertIn(BRAND, self.h1(self.get("/", code)), code)

    def test_on_japanese_pages_the_brand_is_plain(self) -> None:
        self.assertIn("ゆりかご面接", self.h1(self.get("/", "ja")))
        self.assertNotIn("<span", self.h1(self.get("/", "ja")))

    def test_easy_japanese_gives_the_reading_of_mensetsu(self) -> None:
        self.assertIn(
            "ゆりかご<ruby>面接<rt>めんせつ</rt></ruby>", self.h1(self.get("/", "ja-easy"))
        )

    def test_site_names_show_the_sign_beside_the_translation_each_with_its_lang(self) -> None:
        both = '<span lang="en">Aoto Health Centre</span> (<span lang="ja">青戸保健センター</span>)'
        for code in ("ko", "vi", "ne", "tl"):
            for url in ("/book/", f"/book/day/{DAY}/?site=aoto", "/book/calendar/?site=aoto"):
                self.assertIn(both, self.get(url, code), (code, url))

    def test_a_site_without_a_translation_is_marked_japanese(self) -> None:
        html = self.get("/book/", "vi")
        self.assertIn('<span lang="ja">にこわ新小岩</span>', html)

    def test_chinese_pages_mark_the_japanese_site_name(self) -> None:
        self.assertIn('<span lang="ja">青戸保健センター</span>', self.get("/book/", "zh-hans"))

    def test_no_tagalog_resident_string_is_left_in_english(self) -> None:
        english = [
            e.msgid
            for e in read_po(po_path("tl"))
            if e.is_resident_facing
            and e.msgstr.get(0) == e.msgid
            and re.search("[A-Za-z]{3}", e.msgid)
            and e.msgid not in TAGALOG_LOANWORDS
        ]
        self.assertEqual(english, [])

"""Every resident page, rendered in every shipped language, shows no untranslated string.

An untranslated string shows either as its English source or, because Django falls back to
LANGUAGE_CODE, as the Japanese text: both are looked for in the rendered text of each page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.conf import settings
from django.test import Client

from scheduling.services import booking_create
from tests.base import tokyo
from tests.frontend.helpers import DAY, SHIPPED, FlowTestCase, po_path, read_po

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # The language switcher names each language in itself, on purpose.
        if tag in ("script", "style", "option"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder") and value:
                self.nodes.append(" ".join(value.split()))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "option") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._skip:
            self.nodes.append(text)


def text_nodes(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.nodes


def _fixed_parts(message: str) -> list[str]:
    return [p.strip() for p in PLACEHOLDER.split(message) if len(p.strip()) >= 12]


class PagesFullyTranslatedTest(FlowTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 4, 10),
            pregnancy=self.w.mei_pregnancy,
        )
        self.hold_ref = self.hold().reference
        ja = {e.msgid: e.msgstr.get(0, "") for e in read_po(po_path("ja")) if e.is_resident_facing}
        self.japanese = ja
        self.mei = Client()
        self.mei.force_login(self.w.mei.user)

    def pages(self) -> list[tuple[str, bool]]:
        ref = self.booking.reference
        return [
            ("/", False),
            ("/book/", False),
            ("/book/calendar/?site=aoto", False),
            ("/book/calendar/?site=any", False),
            (f"/book/day/{DAY}/?site=aoto", False),
            (f"/book/day/{DAY}/?site=any", False),
            (f"/book/details/{self.hold_ref}/", False),
            ("/login/", False),
            ("/bookings/", True),
            (f"/bookings/{ref}/?new=1", True),
            (f"/bookings/{ref}/cancel/", True),
            (f"/bookings/{ref}/change/", True),
            (f"/bookings/{ref}/change/2026-12-07/", True),
        ]

    def test_no_page_shows_an_untranslated_string_in_any_shipped_language(self) -> None:
        problems = []
        for code in SHIPPED:
            if code == "en":
                continue
            own = {
                e.msgid: e.msgstr.get(0, "") for e in read_po(po_path(code)) if e.is_resident_facing
            }
            english = {m for m, t in own.items() if t != m and re.search("[A-Za-z]{3}", m)}
            japanese = (
                {t for m, t in self.japanese.items() if len(t) >= 4 and own.get(m) != t}
                if code != "ja"
                else set()
            )
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
            self.mei.cookies[settings.LANGUAGE_COOKIE_NAME] = code
            for url, signed_in in self.pages():
                response = (self.mei if signed_in else self.client).get(url)
                self.assertIn(response.status_code, (200,), (code, url))
                nodes = text_nodes(response.content.decode())
                page = " ".join(nodes)
                for message in english:
                    plain = PLACEHOLDER.sub("", message).strip()
                    if plain in nodes or any(part in page for part in _fixed_parts(message)):
                        problems.append((code, url, message))
                for text in japanese:
                    if any(part in page for part in [*_fixed_parts(text), text] if len(part) >= 6):
                        problems.append((code, url, text))
        self.assertEqual(sorted(set(problems)), [])

    def test_each_language_shows_dates_its_own_way(self) -> None:
        expected = {
            "ja": "2026年12月3日(木)",
            "en": "Thu 3 December 2026",
            "zh-hans": "2026年12月3日（周四）",
            "ko": "2026년 12월 3일 (목)",
            "vi": "Thứ Năm, 03/12/2026",
            "ne": "२०२६ डिसेम्बर ३, बिहिबार",
            "tl": "Huwebes, Disyembre 3, 2026",
            "ja-easy": "2026年12月3日(木)",
        }
        for code, text in expected.items():
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
            response = self.client.get(f"/book/details/{self.hold_ref}/")
            self.assertContains(response, text, msg_prefix=code)

"""Her waitlist pages, rendered in every shipped language, show no untranslated string: neither
an English source nor (Django's fallback) the Japanese text. The same check as
tests/frontend/test_pages_fully_translated.py, over the waitlist's pages in each of their states."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.test import Client

from scheduling.services import booking_cancel, booking_create
from scheduling.waitlist_models import WaitlistOffer
from scheduling.waitlist_services import waitlist_join, waitlist_offers_round
from tests.base import NOW, BaseTestCase, tokyo
from tests.frontend.helpers import SHIPPED, po_path, read_po
from tests.frontend.test_pages_fully_translated import PLACEHOLDER, _fixed_parts, text_nodes
from tests.waitlist.helpers import fill_day


class WaitlistPagesTranslatedTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        fillers = fill_day(self.w)
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 10, 10),
            pregnancy=self.w.mei_pregnancy,
            now=NOW,
        )
        waitlist_join(
            pregnancy=self.w.mei_pregnancy,
            interview_type=self.w.itype,
            sites=[self.w.niccowa],
            date_from=dt.date(2026, 12, 4),
            date_to=dt.date(2026, 12, 4),
            now=NOW,
        )
        booking_cancel(booking=fillers[0], now=NOW)
        waitlist_offers_round(now=NOW)
        self.offer = WaitlistOffer.objects.get()
        self.mei, self.hanako = Client(), Client()
        self.mei.force_login(self.w.mei.user)
        self.hanako.force_login(self.w.hanako.user)  # no request yet: the form

    def test_no_waitlist_page_shows_an_untranslated_string(self) -> None:
        japanese = {
            e.msgid: e.msgstr.get(0, "") for e in read_po(po_path("ja")) if e.is_resident_facing
        }
        pages = [
            (self.hanako, "/waitlist/"),
            (self.mei, "/waitlist/"),
            (self.mei, f"/waitlist/offers/{self.offer.token}/"),
        ]
        problems = []
        for code in SHIPPED:
            if code == "en":
                continue
            own = {
                e.msgid: e.msgstr.get(0, "") for e in read_po(po_path(code)) if e.is_resident_facing
            }
            english = {m for m, t in own.items() if t != m and re.search("[A-Za-z]{3}", m)}
            fallback = (
                {t for m, t in japanese.items() if len(t) >= 4 and own.get(m) != t}
                if code != "ja"
                else set()
            )
            for client, url in pages:
                client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
                response = client.get(url)
                self.assertEqual(response.status_code, 200, (code, url))
                html = response.content.decode()
                # Each page in the state it is checked for: the form, her request with its
                # offer, the offer with its two buttons.
                marker = {0: 'name="date_from"', 1: self.offer.token, 2: 'value="decline"'}
                self.assertIn(marker[pages.index((client, url))], html, (code, url))
                nodes = text_nodes(html)
                page = " ".join(nodes)
                for message in english:
                    plain = PLACEHOLDER.sub("", message).strip()
                    if plain in nodes or any(part in page for part in _fixed_parts(message)):
                        problems.append((code, url, message))
                for text in fallback:
                    if any(part in page for part in [*_fixed_parts(text), text] if len(part) >= 6):
                        problems.append((code, url, text))
        self.assertEqual(sorted(set(problems)), [])

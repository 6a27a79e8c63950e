"""Privacy (APPI) for issue 16's invitations: the SMS (and LINE, which carries the SMS text) of
every invitation kind, in all eight languages, says nothing about pregnancy or health, names
no contact (its name may be 妊娠8か月アンケート), and fits two SMS parts with a long link and the
municipality's phone; the round and the link page log neither her number nor the token."""

from __future__ import annotations

import logging

from django.test import SimpleTestCase

from notifications.texts import (
    HEALTH_WORDS,
    format_when,
    render_sms,
    sms_segments,
    template_language,
)
from scheduling.invitation_services import invitations_round
from tests.base import NOW, TOKYO, tokyo
from tests.invitations.helpers import InvitationTestCase, link_path, notified

MONDAY_10 = tokyo(2026, 12, 7, 10)
LANGUAGES = ["ja", "ja-easy", "en", "zh-hans", "ko", "vi", "ne", "tl"]
KINDS = [
    {"kind": "book"},
    {"kind": "questionnaire"},
    {"kind": "after_birth"},
    {"kind": "missed", "site": "子ども未来プラザ東四つ木"},
    {"kind": "reminder", "of": "book"},
    {"kind": "reminder", "of": "questionnaire"},
    {"kind": "reminder", "of": "after_birth"},
]
# A long public root: 38 characters, as a municipality's own domain would be.
URL = "https://yurikago.city.katsushika.lg.jp/i/123456/" + "A" * 22 + "/"


def texts() -> list[tuple[str, dict[str, str], str]]:
    found = []
    for language in LANGUAGES:
        for extra in KINDS:
            context = {
                "municipality": "葛飾区" if language.startswith("ja") else "Katsushika City",
                "url": URL,
                "contact_phone": "03-3602-1284",
                # Her missed interview as her SMS writes it (a Monday, the longest weekdays).
                "when": format_when(MONDAY_10, TOKYO, language),
                **extra,
            }
            lang = template_language("sms", "invitation", language)
            found.append((language, extra, render_sms("invitation", lang, context).text))
    return found


class InvitationSmsPrivacyTest(SimpleTestCase):
    def test_every_language_has_its_own_text(self) -> None:
        for language in LANGUAGES:
            self.assertEqual(template_language("sms", "invitation", language), language)

    def test_no_health_word_in_any_language_or_kind(self) -> None:
        for language, extra, text in texts():
            lowered = text.lower()
            for word in HEALTH_WORDS:
                with self.subTest(language=language, kind=extra, word=word):
                    self.assertNotIn(word, lowered, text)

    def test_at_most_two_parts_with_the_link(self) -> None:
        for language, extra, text in texts():
            with self.subTest(language=language, kind=extra, text=text):
                self.assertIn(URL, text)
                self.assertLessEqual(sms_segments(text), 2)

    def test_the_missed_time_is_said_and_no_site_or_contact_is_named(self) -> None:
        for _language, extra, text in texts():
            if extra["kind"] == "missed":
                self.assertIn("10:00", text)
            self.assertNotIn("子ども未来プラザ", text)


class InvitationLogsTest(InvitationTestCase):
    def test_the_round_and_the_link_log_neither_her_number_nor_the_token(self) -> None:
        records: list[logging.LogRecord] = []

        class Collect(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                records.append(record)

        handler = Collect(level=logging.DEBUG)
        root = logging.getLogger()
        old_level = root.level
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        self.addCleanup(root.removeHandler, handler)
        self.addCleanup(root.setLevel, old_level)

        aiko = notified(self.w, "青木 あい", "+818010000001")
        invitations_round(now=NOW)
        from notifications.models import Message
        from notifications.tasks import dispatch_due_messages

        _, token, path = link_path(Message.objects.get())
        dispatch_due_messages()
        self.client.post(path)
        logged = "\n".join(r.getMessage() for r in records)
        for secret in (token, "+818010000001", "08010000001", aiko.resident.name):
            self.assertNotIn(secret, logged)

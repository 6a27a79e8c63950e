"""Resident emails in every language she can choose (settings.LANGUAGES): each has its own ten
templates, and Hanako's confirmation, reminder, reschedule and cancellation notices and her
sign-in code go out through the real dispatcher to Django's locmem outbox in her language — the
booking reference, the date as that language writes it, no template syntax left, a one-line
subject and an HTML part that says which language it is in."""

from __future__ import annotations

import re
from dataclasses import dataclass

import time_machine
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.template.loader import get_template

from notifications.login_codes import message_send_login_code
from notifications.texts import template_language
from scheduling.services import booking_cancel, booking_reschedule
from tests.base import tokyo
from tests.notifications.helpers import NotificationsTestCase

LANGUAGES = [code for code, _name in settings.LANGUAGES]
BOOKING_PURPOSES = ["confirmation", "reminder", "reschedule", "cancellation"]
PURPOSES = [*BOOKING_PURPOSES, "login_code"]
TEMPLATES = [f"{purpose}{part}" for purpose in PURPOSES for part in ("", ".subject")]

THURSDAY_14 = tokyo(2026, 12, 3, 14)
REMINDER_DUE = tokyo(2026, 12, 2, 10, 1)  # the 24-hour reminder of Thursday 10:00
CODE = "482913"
# Thursday 3 December 2026 at 10:00 as each language's emails write it: the date as her booking
# pages write it (yurikago.dates, docs/i18n.md), then the time.
DATES = {
    "ja": "2026年12月3日(木) 10:00",
    "en": "Thu 3 December 2026 10:00",
    "zh-hans": "2026年12月3日（周四） 10:00",
    "ko": "2026년 12월 3일 (목) 10:00",
    "vi": "Thứ Năm, 03/12/2026 10:00",
    "ne": "२०२६ डिसेम्बर ३, बिहिबार 10:00",
    "tl": "Huwebes, Disyembre 3, 2026 10:00",
    "ja-easy": "2026年12月3日(木) 10:00",
}
HTML_LANG = {code: code for code in LANGUAGES} | {"ja-easy": "ja"}


def expected_date(language: str, purpose: str) -> str:
    """The reschedule moves Thursday 10:00 to 14:00; the cancellation is of the moved booking."""
    date = DATES[language]
    return date.replace("10:00", "14:00") if purpose in ("reschedule", "cancellation") else date


def english_phrases() -> list[str]:
    """The words of the English templates, without their variables and tags."""
    phrases = []
    for name in TEMPLATES:
        source = get_template(f"notifications/email/en/{name}.txt").template.source
        for chunk in re.split(r"\{[{%].*?[%}]\}", source):
            for line in chunk.splitlines():
                phrase = line.strip(" :()")
                if re.search(r"[A-Za-z]{3}", phrase):
                    phrases.append(phrase)
    return list(dict.fromkeys(phrases))


@dataclass
class Sent:
    reference: str
    emails: dict[str, EmailMessage]


class EmailLanguagesTest(NotificationsTestCase):
    def emails_in(self, language: str) -> Sent:
        """Every email Hanako can get, in `language`: her booking's four notices and a code."""
        sent: dict[str, EmailMessage] = {}

        def take(purpose: str) -> None:
            [sent[purpose]] = mail.outbox
            mail.outbox.clear()

        mail.outbox.clear()
        booking = self.book(sms=False, email=True, language=language)
        self.dispatch()
        take("confirmation")
        with time_machine.travel(REMINDER_DUE, tick=False):
            self.dispatch()
            take("reminder")
            booking_reschedule(booking=booking, start=THURSDAY_14, staff=True)
            self.dispatch()
            take("reschedule")
            booking_cancel(booking=booking, staff=True)
            self.dispatch()
            take("cancellation")
        message_send_login_code(
            municipality=self.w.katsushika,
            channel="email",
            recipient="hanako@example.jp",
            code=CODE,
            language=language,
        )
        take("login_code")
        return Sent(reference=booking.display_reference, emails=sent)

    def all_emails(self) -> dict[str, Sent]:
        return {language: self.emails_in(language) for language in LANGUAGES}

    def test_every_language_has_its_own_ten_email_templates(self) -> None:
        self.assertEqual(len(LANGUAGES), 8)
        for language in LANGUAGES:
            for name in TEMPLATES:
                with self.subTest(language=language, template=name):
                    get_template(f"notifications/email/{language}/{name}.txt")
                    self.assertEqual(template_language("email", name, language), language)

    def test_no_email_in_any_language_leaves_template_syntax(self) -> None:
        for language, sent in self.all_emails().items():
            for purpose, message in sent.emails.items():
                html = message.alternatives[0][0]
                for part in (message.subject, message.body, html):
                    with self.subTest(language=language, purpose=purpose):
                        self.assertNotIn("{{", part)
                        self.assertNotIn("{%", part)
                        self.assertNotIn("}}", part)

    def test_every_subject_is_one_line_with_the_reference_where_english_has_it(self) -> None:
        for language, sent in self.all_emails().items():
            for purpose, message in sent.emails.items():
                with self.subTest(language=language, purpose=purpose):
                    self.assertTrue(message.subject.strip())
                    self.assertNotIn("\n", message.subject)
                    if purpose in BOOKING_PURPOSES:  # as in English: not in the code's subject
                        self.assertIn(sent.reference, message.subject)

    def test_every_booking_email_has_the_reference_and_the_date_in_her_format(self) -> None:
        for language, sent in self.all_emails().items():
            for purpose in BOOKING_PURPOSES:
                body = sent.emails[purpose].body
                with self.subTest(language=language, purpose=purpose):
                    self.assertIn(sent.reference, body)
                    self.assertIn(expected_date(language, purpose), body)

    def test_the_sign_in_code_email_carries_the_code_in_every_language(self) -> None:
        for language, sent in self.all_emails().items():
            with self.subTest(language=language):
                self.assertIn(CODE, sent.emails["login_code"].body)

    def test_the_contact_phone_is_in_every_booking_email_when_the_municipality_has_one(
        self,
    ) -> None:
        self.w.katsushika.contact_phone = "03-3602-1284"
        self.w.katsushika.save()
        for language, sent in self.all_emails().items():
            for purpose in BOOKING_PURPOSES:
                with self.subTest(language=language, purpose=purpose):
                    self.assertIn("03-3602-1284", sent.emails[purpose].body)

    def test_chinese_and_korean_emails_have_no_english_sentence(self) -> None:
        phrases = english_phrases()
        self.assertIn("Booking reference", phrases)
        for language in ("zh-hans", "ko"):
            for purpose, message in self.emails_in(language).emails.items():
                for phrase in phrases:
                    with self.subTest(language=language, purpose=purpose, phrase=phrase):
                        self.assertNotIn(phrase, message.subject)
                        self.assertNotIn(phrase, message.body)

    def test_yasashii_nihongo_has_its_own_words_not_the_japanese_ones(self) -> None:
        body = self.emails_in("ja-easy").emails["confirmation"].body
        self.assertIn("よやく ばんごう", body)
        self.assertNotIn("予約番号", body)

    def test_the_html_part_carries_her_language(self) -> None:
        for language, sent in self.all_emails().items():
            for purpose, message in sent.emails.items():
                html, mimetype = message.alternatives[0]
                with self.subTest(language=language, purpose=purpose):
                    self.assertEqual(mimetype, "text/html")
                    self.assertIn(f'<html lang="{HTML_LANG[language]}">', html)

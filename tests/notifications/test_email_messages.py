"""Email: text and HTML in her language; the confirmation carries the .ics (PUBLISH), the
cancellation a CANCEL with the same UID and a higher SEQUENCE."""

from __future__ import annotations

from django.core import mail
from icalendar import Calendar

from scheduling.services import booking_cancel
from tests.notifications.helpers import NotificationsTestCase


def ics_of(message):  # type: ignore[no-untyped-def]
    [attachment] = [a for a in message.attachments if a.mimetype.startswith("text/calendar")]
    content = attachment.content
    return Calendar.from_ical(content if isinstance(content, bytes) else content.encode())


class EmailMessagesTest(NotificationsTestCase):
    def test_the_confirmation_is_text_and_html_in_japanese_with_the_calendar_file(self) -> None:
        booking = self.book(sms=False, email=True)
        self.dispatch()
        [message] = mail.outbox
        self.assertEqual(message.to, ["hanako@example.jp"])
        self.assertIn("予約", message.subject)
        self.assertIn("葛飾区", message.subject)
        self.assertIn("2026年12月3日(木) 10:00", message.body)
        self.assertIn("本人確認書類", message.body)
        html, mimetype = message.alternatives[0]
        self.assertEqual(mimetype, "text/html")
        self.assertIn('lang="ja"', html)
        self.assertIn(booking.display_reference, html)
        calendar = ics_of(message)
        self.assertEqual(str(calendar["METHOD"]), "PUBLISH")
        event = calendar.walk("VEVENT")[0]
        self.assertEqual(str(event["UID"]), booking.calendar_uid)
        self.assertEqual(int(event["SEQUENCE"]), 0)

    def test_the_cancellation_removes_the_event_from_her_calendar(self) -> None:
        booking = self.book(sms=False, email=True)
        self.dispatch()
        booking_cancel(booking=booking)
        self.dispatch()
        confirmation, cancellation = mail.outbox
        first, second = ics_of(confirmation), ics_of(cancellation)
        self.assertEqual(str(second["METHOD"]), "CANCEL")
        old, new = first.walk("VEVENT")[0], second.walk("VEVENT")[0]
        self.assertEqual(str(new["UID"]), str(old["UID"]))
        self.assertGreater(int(new["SEQUENCE"]), int(old["SEQUENCE"]))
        self.assertIn("取り消し", cancellation.subject)

    def test_english_when_she_asked_for_english(self) -> None:
        self.book(sms=False, email=True, language="en")
        self.dispatch()
        [message] = mail.outbox
        self.assertIn("booking confirmed", message.subject)
        self.assertIn("Thu 3 December 2026 10:00", message.body)
        self.assertIn('lang="en"', message.alternatives[0][0])

    def test_a_language_code_without_email_texts_falls_back_to_english(self) -> None:
        # Every language of settings.LANGUAGES has its own texts (test_email_languages.py), but a
        # row may carry a code without them: a language offered before its texts are written.
        self.book(sms=False, email=True, language="pt")
        self.dispatch()
        [message] = mail.outbox
        self.assertIn("booking confirmed", message.subject)
        self.assertIn("Thu 3 December 2026 10:00", message.body)  # dates in the text's language
        self.assertIn('lang="en"', message.alternatives[0][0])

    def test_subjects_never_mention_pregnancy_or_health(self) -> None:
        booking = self.book(sms=False, email=True)
        self.dispatch()
        booking_cancel(booking=booking)
        self.dispatch()
        for message in mail.outbox:
            for word in ("妊", "母子", "出産", "ゆりかご", "pregnan", "baby", "health"):
                self.assertNotIn(word, message.subject)

    def test_the_html_escapes_what_came_from_the_database(self) -> None:
        self.w.aoto.name = "青戸<script>"
        self.w.aoto.save()
        self.book(sms=False, email=True)
        self.dispatch()
        html = mail.outbox[0].alternatives[0][0]
        self.assertNotIn("<script>", html)
        self.assertIn("青戸&lt;script&gt;", html)

"""`make run` prints the demo's emails readably: Japanese subject and body as text, not base64,
and the .ics attachment by name."""

from __future__ import annotations

import base64
from io import StringIO

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.test import SimpleTestCase

from yurikago.console_email import EmailBackend

BODY = "山田 花子 様\n\n12月3日（木）10:00 のご予約を承りました。\n予約番号 ACDE-FG34"


class ConsoleEmailTest(SimpleTestCase):
    def printed(self) -> str:
        stream = StringIO()
        message = EmailMultiAlternatives(
            subject="【葛飾区】予約を受け付けました",
            body=BODY,
            from_email="yoyaku@example.lg.jp",
            to=["hanako@example.jp"],
        )
        message.attach_alternative("<p>HTML</p>", "text/html")
        message.attach("yoyaku.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
        EmailBackend(stream=stream).send_messages([message])
        return stream.getvalue()

    def test_the_subject_and_body_are_readable_text(self) -> None:
        printed = self.printed()
        self.assertIn("Subject: 【葛飾区】予約を受け付けました", printed)
        self.assertIn("12月3日（木）10:00 のご予約を承りました。", printed)
        self.assertIn("To: hanako@example.jp", printed)
        encoded = base64.b64encode(BODY.encode()).decode()[:40]
        self.assertNotIn(encoded, printed)

    def test_attachments_are_named_not_dumped(self) -> None:
        printed = self.printed()
        self.assertIn("[attachment: yoyaku.ics (text/calendar,", printed)
        self.assertNotIn("BEGIN:VCALENDAR", printed)

    def test_the_console_kind_uses_it(self) -> None:
        self.assertEqual(
            settings.EMAIL_URL_BACKENDS["console"], "yurikago.console_email.EmailBackend"
        )

"""Her answers never leave the system: sending them queues no message, the nurse's and the
site's calendar feeds carry none of them, and no log line carries them, from her page to the
staff's timeline, day and follow-up list."""

from __future__ import annotations

import logging
from io import StringIO

from django.urls import reverse

from notifications.models import Message
from scheduling.calendars.services import nurse_feed_rotate, site_feed_rotate
from scheduling.services import booking_create
from tests.base import NOW, tokyo
from tests.staff.helpers import StaffTestCase

from .helpers import eighth_month_sheet

SECRET = "夫の暴力が心配です"


class AnswersNeverLeaveTest(StaffTestCase):
    def test_no_message_feed_or_log_line_carries_an_answer(self) -> None:
        s = eighth_month_sheet(self.w)
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 2, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        messages_before = Message.objects.count()
        stream = StringIO()
        handler = logging.StreamHandler(stream)
        handler.setLevel(logging.DEBUG)
        handler.setFormatter(logging.Formatter("%(name)s %(message)s %(args)s"))
        root = logging.getLogger()
        old_level = root.level
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        try:
            self.client.force_login(self.w.hanako.user)
            sent = self.client.post(
                reverse("frontend:questionnaire", args=[s.contact.code]),
                {
                    "submit": "1",
                    f"q{s.talk.pk}": s.talk_yes.pk,
                    f"q{s.what.pk}": SECRET,
                    f"q{s.worries.pk}": [s.no_sleep.pk],
                    f"q{s.long.pk}": s.long_yes.pk,
                },
            )
            self.assertEqual(sent.status_code, 302)
            self.client.logout()
            self.sign_in(self.w.admin_abe)
            timeline = self.client.get(reverse("staff:timeline", args=[self.w.hanako_pregnancy.pk]))
            self.assertContains(timeline, SECRET)
            self.client.get(reverse("staff:follow_up"))
            self.client.logout()
            self.sign_in(booking.nurse.user)
            self.assertContains(self.client.get(reverse("staff:day") + "?date=2026-12-02"), SECRET)
            feeds = [
                self.client.get(f"/calendar/nurse/{nurse_feed_rotate(nurse=booking.nurse)}.ics"),
                self.client.get(f"/calendar/site/{site_feed_rotate(site=self.w.aoto)}.ics"),
            ]
        finally:
            root.removeHandler(handler)
            root.setLevel(old_level)
        self.assertEqual(Message.objects.count(), messages_before)
        for feed in feeds:
            self.assertEqual(feed.status_code, 200)
            body = feed.content.decode().replace("\r\n ", "")
            self.assertIn("BEGIN:VEVENT", body)
            for text in (SECRET, "眠れない", "2週間以上"):
                self.assertNotIn(text, body)
        logged = stream.getvalue()
        for text in (SECRET, "眠れない", "2週間以上"):
            self.assertNotIn(text, logged)

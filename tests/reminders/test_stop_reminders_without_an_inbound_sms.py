"""She stops reminders by channel without sending an SMS: a signed one-tap link in a reminder
email, or the setting on her bookings page. Due reminders by that channel are skipped; the
confirmation and sign-in codes still reach her, and the pages say so."""

from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from django.test import Client, override_settings
from django.utils import translation

from notifications.models import Message, ReminderStop
from notifications.reminder_stops import stop_url
from notifications.tasks import dispatch_due_messages
from scheduling.services import booking_create
from tests.base import NOW, BaseTestCase, tokyo

BY_SMS = "Sign-in codes still come by SMS to your mobile, whatever you choose here."


def in_japanese(text: str) -> str:
    with translation.override("ja"):
        return translation.gettext(text)


@override_settings(SMS_BACKEND="console")
class StopRemindersTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.resident = self.w.hanako
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 10, 10),
            pregnancy=self.w.hanako_pregnancy,
            notify_sms=True,
            notify_email=True,
            now=NOW,
        )

    def reminders(self, channel: str) -> list[Message]:
        return list(self.booking.messages.filter(purpose="reminder", channel=channel))

    def dispatch_at(self, when: dt.datetime) -> None:
        import time_machine

        with time_machine.travel(when, tick=False):
            dispatch_due_messages(now=when)

    def test_a_reminder_email_carries_a_signed_link_that_stops_email_reminders(self) -> None:
        first = min(self.reminders("email"), key=lambda m: m.send_at)
        self.dispatch_at(first.send_at)
        reminder = [m for m in mail.outbox if "/reminders/stop/" in m.body]
        self.assertTrue(reminder, [m.body for m in mail.outbox])
        url = re.search(r"https?://\S+/reminders/stop/\S+/", reminder[-1].body)
        self.assertIsNotNone(url)
        path = "/" + url.group(0).split("/", 3)[3]  # type: ignore[union-attr]
        client = Client()
        page = client.get(path)
        self.assertEqual(page.status_code, 200)
        self.assertFalse(ReminderStop.objects.exists())  # opening the link changes nothing
        self.assertContains(page, in_japanese(BY_SMS))
        self.assertEqual(client.post(path).status_code, 200)
        stop = ReminderStop.objects.get()
        self.assertEqual((stop.resident, stop.channel), (self.resident, "email"))

    def test_a_link_with_another_signature_is_a_404(self) -> None:
        url = stop_url(resident_id=self.resident.pk, channel="email")
        path = "/" + url.split("/", 3)[3]
        forged = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
        self.assertEqual(Client().post(forged).status_code, 404)
        self.assertFalse(ReminderStop.objects.exists())

    def test_due_reminders_by_a_stopped_channel_are_skipped_the_others_go(self) -> None:
        ReminderStop.objects.create(resident=self.resident, channel="sms", source="page")
        for send_at in sorted({m.send_at for m in self.reminders("sms")}):
            self.dispatch_at(send_at)
        self.assertEqual({m.status for m in self.reminders("sms")}, {"skipped"})
        self.assertEqual({m.error_code for m in self.reminders("sms")}, {"stopped"})
        self.assertEqual({m.status for m in self.reminders("email")}, {"sent"})

    def test_her_bookings_page_setting_stops_and_resumes_by_channel(self) -> None:
        from tests.security.sessions import sign_in_by_code

        client = Client()
        sign_in_by_code(client, self.resident.user)
        page = client.get("/bookings/")
        self.assertContains(page, "/bookings/reminders/")
        settings_page = client.get("/bookings/reminders/")
        self.assertContains(settings_page, in_japanese(BY_SMS))
        client.post("/bookings/reminders/", {"email": "on"})
        self.assertEqual(set(ReminderStop.objects.values_list("channel", flat=True)), {"sms"})
        client.post("/bookings/reminders/", {"sms": "on", "email": "on"})
        self.assertFalse(ReminderStop.objects.exists())

    def test_sign_in_codes_still_reach_her_after_she_stopped_sms_reminders(self) -> None:
        ReminderStop.objects.create(resident=self.resident, channel="sms", source="page")
        response = Client().post("/login/", {"login": "090-1111-2222"})
        self.assertIn(response.status_code, (200, 302))
        codes = Message.objects.filter(purpose="login_code")
        self.assertEqual(codes.count(), 1, response.content[:300])
        self.assertEqual(codes.get().channel, "sms")

"""`/healthz/messages`: an uptime monitor learns that messages stopped going out (beat, the broker
or every worker down) instead of reminders stopping silently. Counts only, in one query."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings
from django.utils import timezone

from notifications.models import Message
from notifications.selectors import outbox_health
from tests.notifications.helpers import NotificationsTestCase, login_codes_due

URL = "/healthz/messages"


@override_settings(MESSAGE_LATE_AFTER_SECONDS=600)
class OutboxHealthTest(NotificationsTestCase):
    def ago(self, minutes: int) -> dt.datetime:
        return timezone.now() - dt.timedelta(minutes=minutes)

    def test_an_empty_or_moving_outbox_is_ok(self) -> None:
        login_codes_due(self.w.katsushika, 2, send_at=self.ago(1))  # due a minute ago: normal
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "ok")
        self.assertEqual(response.json()["late"], 0)

    def test_a_message_due_too_long_ago_makes_it_503(self) -> None:
        booking = self.book(sms=True)
        Message.objects.filter(booking=booking, purpose="confirmation").update(send_at=self.ago(25))
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 503)
        body = response.json()
        self.assertEqual((body["status"], body["late"], body["stuck"]), ("late", 1, 0))
        self.assertEqual(body["oldest_late_minutes"], 25)
        self.assertEqual(response["Cache-Control"], "no-store")

    def test_a_claim_whose_lease_ran_out_long_ago_makes_it_503(self) -> None:
        [row] = login_codes_due(self.w.katsushika, 1, send_at=self.ago(30))
        Message.objects.filter(pk=row.pk).update(status="sending", lease_until=self.ago(20))
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 503)
        self.assertEqual((response.json()["late"], response.json()["stuck"]), (0, 1))

    def test_it_says_nothing_about_whom_or_what(self) -> None:
        booking = self.book(sms=True, email=True)
        Message.objects.filter(booking=booking).update(send_at=self.ago(60))
        content = self.client.get(URL).content.decode()
        self.assertNotIn(self.w.hanako.phone, content)
        self.assertNotIn(self.w.hanako.email, content)
        self.assertNotIn(booking.reference, content)
        self.assertEqual(
            set(self.client.get(URL).json()),
            {"status", "late", "stuck", "oldest_late_minutes", "late_after_seconds"},
        )

    def test_it_costs_one_query_however_many_rows(self) -> None:
        login_codes_due(self.w.katsushika, 30, send_at=self.ago(45))
        with self.assertNumQueries(1):
            health = outbox_health(now=timezone.now(), late_after=dt.timedelta(minutes=10))
        self.assertEqual((health.late, health.healthy), (30, False))

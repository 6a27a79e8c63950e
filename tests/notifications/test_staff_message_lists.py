"""Staff see every message of a booking and the failed ones of their sites."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string

from notifications.models import Message
from notifications.selectors import failed_messages_for_sites, messages_for_booking
from tests.base import NOW
from tests.notifications.helpers import FakeTwilioTestCase


class StaffMessageListsTest(FakeTwilioTestCase):
    def test_the_booking_list_shows_status_attempts_error_and_a_masked_recipient(self) -> None:
        self.twilio.fail_for["+819011112222"] = (400, 21211)
        booking = self.book()
        self.dispatch()
        with self.assertNumQueries(1):
            rows = list(messages_for_booking(booking))
        html = render_to_string("notifications/_message_list.html", {"messages": rows})
        self.assertIn("+81…2222", html)
        self.assertNotIn("9011112222", html)
        self.assertIn("21211", html)
        self.assertIn("h…@example.jp", html)
        self.assertIn("message-failed", html)

    def test_failed_messages_of_her_sites_only_newest_first(self) -> None:
        self.twilio.fail_for["+819011112222"] = (400, 21211)
        self.twilio.fail_for["+818033334444"] = (400, 21614)
        aoto = self.book()
        niccowa = self.book(
            site=self.w.niccowa,
            pregnancy=self.w.mei_pregnancy,
            start=NOW.replace(hour=11) + dt.timedelta(days=2),
        )
        self.dispatch()
        with self.assertNumQueries(1):
            failed = list(failed_messages_for_sites([self.w.aoto.id]))
        self.assertEqual([m.booking_id for m in failed], [aoto.id])
        self.assertEqual(
            {m.booking_id for m in failed_messages_for_sites([self.w.aoto.id, self.w.niccowa.id])},
            {aoto.id, niccowa.id},
        )
        html = render_to_string(
            "notifications/_message_list.html", {"messages": failed, "show_booking": True}
        )
        self.assertIn(aoto.display_reference, html)

    def test_since_limits_the_failed_list(self) -> None:
        self.twilio.fail_for["+819011112222"] = (400, 21211)
        self.book()
        self.dispatch()
        self.assertEqual(
            list(failed_messages_for_sites([self.w.aoto.id], since=NOW + dt.timedelta(hours=1))), []
        )
        self.assertEqual(Message.objects.filter(status="failed").count(), 1)

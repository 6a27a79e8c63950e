"""`manage.py dispatch_messages` runs the dispatcher where there is no beat."""

from __future__ import annotations

import time
from io import StringIO

from django.core.management import call_command
from django.test import override_settings

from notifications.models import Message
from tests.notifications.helpers import NotificationsTestCase, login_codes_due


class DispatchCommandTest(NotificationsTestCase):
    def test_it_sends_what_is_due_once(self) -> None:
        booking = self.book()
        out = StringIO()
        call_command("dispatch_messages", stdout=out)
        self.assertIn("claimed 1", out.getvalue())
        self.assertEqual(self.row(booking).status, "sent")

    def test_the_loop_is_bounded_when_asked(self) -> None:
        out = StringIO()
        call_command(
            "dispatch_messages", "--loop", "--interval", "0", "--max-runs", "3", stdout=out
        )
        self.assertEqual(out.getvalue().count("claimed"), 3)

    @override_settings(MESSAGE_DISPATCH_PAGE=2)
    def test_the_loop_goes_on_at_once_while_pages_are_full(self) -> None:
        login_codes_due(self.w.katsushika, 5)
        out = StringIO()
        started = time.monotonic()
        call_command(
            "dispatch_messages", "--loop", "--interval", "5", "--max-runs", "3", stdout=out
        )
        self.assertEqual(Message.objects.filter(status="sent").count(), 5)  # 2 + 2 + 1
        self.assertLess(time.monotonic() - started, 5, "it waited an interval between full pages")

"""`manage.py dispatch_messages` runs the dispatcher where there is no beat."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from tests.notifications.base import NotificationsTestCase


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

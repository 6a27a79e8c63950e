"""What is no longer worth sending is not sent, and the row says why."""

from __future__ import annotations

import time_machine

from notifications.dispatch import messages_claim_due
from notifications.models import Message
from notifications.tasks import send_message
from scheduling.services import booking_cancel, booking_reschedule
from tests.base import tokyo
from tests.notifications.helpers import NotificationsTestCase


class StaleAndVoidMessagesTest(NotificationsTestCase):
    def test_a_reminder_long_overdue_is_skipped_visibly_not_sent_late(self) -> None:
        booking = self.book()  # Thursday 10:00; the 24 h reminder is due Wednesday 10:00
        # The workers were down from Wednesday morning until Wednesday 17:00 (7 h late).
        with time_machine.travel(tokyo(2026, 12, 2, 17), tick=False):
            self.dispatch()
        reminder = self.row(booking, "reminder", occurrence="24h-s0")
        self.assertEqual(reminder.status, Message.Status.SKIPPED)
        self.assertEqual(reminder.error_code, "stale")
        self.assertIn("6 h", reminder.last_error)
        self.assertEqual(reminder.attempts, 0)

    def test_a_reminder_a_little_late_still_goes(self) -> None:
        booking = self.book()
        with time_machine.travel(tokyo(2026, 12, 2, 12), tick=False):
            self.dispatch()
        self.assertEqual(self.row(booking, "reminder", occurrence="24h-s0").status, "sent")

    def test_a_claimed_reminder_of_a_booking_cancelled_meanwhile_is_not_sent(self) -> None:
        booking = self.book()
        with time_machine.travel(tokyo(2026, 12, 2, 10), tick=False):
            self.dispatch(limit=0)  # nothing claimed yet
            claims = dict(messages_claim_due(now=tokyo(2026, 12, 2, 10)))
            booking_cancel(booking=booking, staff=True)
            reminder = self.row(booking, "reminder", occurrence="24h-s0")
            self.assertEqual(reminder.status, "sending")  # claimed before the cancel
            send_message.apply(args=(reminder.pk, claims[reminder.pk]))
        reminder.refresh_from_db()
        self.assertEqual(reminder.status, Message.Status.CANCELLED)
        self.assertEqual(reminder.error_code, "booking_changed")

    def test_a_claimed_reminder_of_a_moved_booking_is_not_sent(self) -> None:
        booking = self.book()
        with time_machine.travel(tokyo(2026, 12, 2, 10), tick=False):
            claims = dict(messages_claim_due(now=tokyo(2026, 12, 2, 10)))
            booking_reschedule(booking=booking, start=tokyo(2026, 12, 4, 10), staff=True)
            reminder = self.row(booking, "reminder", occurrence="24h-s0")
            send_message.apply(args=(reminder.pk, claims[reminder.pk]))
        reminder.refresh_from_db()
        self.assertEqual(reminder.status, Message.Status.CANCELLED)
        self.assertIn("moved", reminder.last_error)

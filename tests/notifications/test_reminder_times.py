"""A booking made on a Friday for Tuesday 09:00 gets exactly its reminders, at civil hours;
rescheduling moves them and cancelling voids them."""

from __future__ import annotations

import time_machine

from notifications.models import Message
from scheduling.services import booking_cancel, booking_reschedule
from tests.base import TOKYO, tokyo
from tests.notifications.helpers import NotificationsTestCase

FRIDAY_14 = tokyo(2026, 12, 4, 14)
TUESDAY_09 = tokyo(2026, 12, 8, 9)


def local(dt_value):  # type: ignore[no-untyped-def]
    return dt_value.astimezone(TOKYO)


class ReminderTimesTest(NotificationsTestCase):
    def book_on_friday(self, **kwargs):  # type: ignore[no-untyped-def]
        with time_machine.travel(FRIDAY_14, tick=False):
            return self.book(start=TUESDAY_09, **kwargs)

    def reminders(self, booking, status: str = "pending"):  # type: ignore[no-untyped-def]
        return {
            m.occurrence: local(m.send_at)
            for m in Message.objects.filter(
                booking=booking, purpose="reminder", channel="sms", status=status
            )
        }

    def test_it_gets_the_72_and_24_hour_reminders_at_09_00(self) -> None:
        booking = self.book_on_friday()
        self.assertEqual(
            self.reminders(booking),
            {
                "72h-s0": tokyo(2026, 12, 5, 9),  # Saturday
                "24h-s0": tokyo(2026, 12, 7, 9),  # Monday
            },
        )

    def test_a_reminder_that_would_fall_at_night_moves_into_civil_hours(self) -> None:
        self.w.itype.reminder_hours_before = [72, 24, 12, 2]
        self.w.itype.save()
        booking = self.book_on_friday()
        reminders = self.reminders(booking)
        # 12 h before is Monday 21:00 → back to 20:45; 2 h before is 07:00 → on to 08:00.
        self.assertEqual(reminders["12h-s0"], tokyo(2026, 12, 7, 20, 45))
        self.assertEqual(reminders["2h-s0"], tokyo(2026, 12, 8, 8))
        for when in reminders.values():
            self.assertTrue(8 <= when.hour < 21, when)

    def test_each_reminder_goes_out_once_at_its_time_and_none_early(self) -> None:
        booking = self.book_on_friday(sms=True)
        with time_machine.travel(FRIDAY_14, tick=False):
            self.dispatch()  # the confirmation
        with time_machine.travel(tokyo(2026, 12, 5, 8, 59), tick=False):
            self.assertEqual(self.dispatch().claimed, [])
        with time_machine.travel(tokyo(2026, 12, 5, 9, 0), tick=False):
            self.assertEqual(len(self.dispatch().claimed), 1)
        with time_machine.travel(tokyo(2026, 12, 7, 9, 1), tick=False):
            self.assertEqual(len(self.dispatch().claimed), 1)
        with time_machine.travel(tokyo(2026, 12, 8, 8, 0), tick=False):
            self.assertEqual(self.dispatch().claimed, [])
        sent = Message.objects.filter(booking=booking, purpose="reminder", status="sent")
        self.assertEqual(
            sorted(local(m.sent_at).strftime("%a %H:%M") for m in sent), ["Mon 09:01", "Sat 09:00"]
        )

    def test_rescheduling_moves_the_reminders(self) -> None:
        booking = self.book_on_friday()
        with time_machine.travel(tokyo(2026, 12, 5, 10), tick=False):
            booking_reschedule(booking=booking, start=tokyo(2026, 12, 9, 10))
        self.assertEqual(
            self.reminders(booking, "cancelled"),
            {"72h-s0": tokyo(2026, 12, 5, 9), "24h-s0": tokyo(2026, 12, 7, 9)},
        )
        self.assertEqual(
            self.reminders(booking),
            {"72h-s1": tokyo(2026, 12, 6, 10), "24h-s1": tokyo(2026, 12, 8, 10)},
        )

    def test_cancelling_voids_the_reminders_and_none_is_sent(self) -> None:
        booking = self.book_on_friday()
        with time_machine.travel(tokyo(2026, 12, 4, 15), tick=False):
            booking_cancel(booking=booking)
        self.assertEqual(self.reminders(booking), {})
        with time_machine.travel(tokyo(2026, 12, 7, 9, 30), tick=False):
            self.dispatch()
        self.assertFalse(
            Message.objects.filter(
                booking=booking, purpose="reminder", status__in=["sent", "sending"]
            ).exists()
        )

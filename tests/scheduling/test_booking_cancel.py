"""Cancelling: the deadline for residents, none for staff; reminders voided with the change."""

from __future__ import annotations

from notifications.models import Message
from scheduling.availability import open_slots
from scheduling.models import Booking
from scheduling.services import booking_cancel, booking_create
from tests.base import BaseTestCase, tokyo
from yurikago.errors import DomainError

START = tokyo(2026, 12, 8, 10)  # Tuesday; deadline Monday 12/7 11:00


class BookingCancelTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=START,
            pregnancy=self.w.hanako_pregnancy,
            notify_sms=True,
        )

    def test_she_can_cancel_before_the_deadline(self) -> None:
        cancelled = booking_cancel(booking=self.booking, reason="体調", now=tokyo(2026, 12, 7, 10))
        self.assertEqual(cancelled.status, Booking.Status.CANCELLED)
        self.assertEqual(cancelled.sequence, 1)
        self.assertEqual(cancelled.events.last().kind, "cancelled")
        self.assertFalse(cancelled.events.last().data["late"])

    def test_cancelling_voids_pending_reminders_and_queues_the_notice(self) -> None:
        booking_cancel(booking=self.booking, now=tokyo(2026, 12, 2, 10))
        statuses = dict(
            Message.objects.filter(booking=self.booking, channel="sms").values_list(
                "occurrence", "status"
            )
        )
        self.assertEqual(statuses["72h-s0"], "cancelled")
        self.assertEqual(statuses["24h-s0"], "cancelled")
        notice = Message.objects.get(booking=self.booking, purpose="cancellation")
        self.assertEqual(notice.status, "pending")
        self.assertEqual(notice.occurrence, "s1")

    def test_she_cannot_cancel_online_after_the_deadline(self) -> None:
        with self.assertRaises(DomainError) as caught:
            booking_cancel(booking=self.booking, now=tokyo(2026, 12, 7, 11, 1))
        self.assertEqual(caught.exception.code, "deadline_passed")
        self.booking.refresh_from_db()
        self.assertEqual(self.booking.status, Booking.Status.CONFIRMED)

    def test_staff_can_cancel_after_the_deadline_and_it_counts_as_late(self) -> None:
        cancelled = booking_cancel(booking=self.booking, staff=True, now=tokyo(2026, 12, 8, 8))
        self.assertEqual(cancelled.status, Booking.Status.CANCELLED)
        self.assertTrue(cancelled.events.last().data["late"])
        self.assertTrue(cancelled.events.last().actor_is_staff)

    def test_the_slot_is_free_again_after_cancelling(self) -> None:
        booking_cancel(booking=self.booking, now=tokyo(2026, 12, 2, 10))
        slot = next(
            s
            for s in open_slots(
                municipality=self.w.katsushika,
                interview_type=self.w.itype,
                date_from=START.date(),
                date_to=START.date(),
                site_ids=[self.w.aoto.id],
                now=tokyo(2026, 12, 2, 10),
            )
            if s.start == START
        )
        self.assertEqual(slot.capacity, 2)

    def test_cancelling_twice_is_harmless(self) -> None:
        booking_cancel(booking=self.booking, now=tokyo(2026, 12, 2, 10))
        booking_cancel(booking=self.booking, now=tokyo(2026, 12, 2, 10))
        self.assertEqual(Message.objects.filter(purpose="cancellation").count(), 1)

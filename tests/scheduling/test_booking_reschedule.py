"""Rescheduling: the new time is secured before the old is released; UID stays, SEQUENCE rises."""

from __future__ import annotations

from notifications.models import Message
from scheduling.models import Booking
from scheduling.services import booking_create, booking_reschedule
from tests.base import BaseTestCase, tokyo
from yurikago.errors import DomainError

START = tokyo(2026, 12, 8, 10)
NEW = tokyo(2026, 12, 10, 14)


class BookingRescheduleTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=START,
            pregnancy=self.w.hanako_pregnancy,
        )

    def test_it_moves_the_booking_and_keeps_its_reference(self) -> None:
        moved = booking_reschedule(booking=self.booking, start=NEW)
        self.assertEqual(
            (moved.reference, moved.start, moved.sequence), (self.booking.reference, NEW, 1)
        )
        event = moved.events.last()
        self.assertEqual(event.kind, "rescheduled")
        self.assertEqual(event.data["old"]["start"], START.isoformat())

    def test_it_keeps_her_nurse_when_she_is_free(self) -> None:
        moved = booking_reschedule(booking=self.booking, start=NEW)
        self.assertEqual(moved.nurse_id, self.booking.nurse_id)

    def test_it_moves_to_another_site(self) -> None:
        moved = booking_reschedule(
            booking=self.booking, start=tokyo(2026, 12, 9, 10), site=self.w.niccowa
        )
        self.assertEqual((moved.site_id, moved.nurse_id), (self.w.niccowa.id, self.w.nurse_ito.id))

    def test_a_taken_new_time_leaves_the_old_booking_untouched(self) -> None:
        booking_create(
            site=self.w.niccowa,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 9, 10),
            pregnancy=self.w.mei_pregnancy,
        )
        with self.assertRaises(DomainError) as caught:
            booking_reschedule(
                booking=self.booking, start=tokyo(2026, 12, 9, 10), site=self.w.niccowa
            )
        self.assertEqual(caught.exception.code, "slot_unavailable")
        self.booking.refresh_from_db()
        self.assertEqual(
            (self.booking.start, self.booking.sequence, self.booking.status),
            (START, 0, Booking.Status.CONFIRMED),
        )

    def test_moving_by_half_an_hour_overlapping_itself_works(self) -> None:
        moved = booking_reschedule(booking=self.booking, start=tokyo(2026, 12, 8, 10, 30))
        self.assertEqual(moved.start, tokyo(2026, 12, 8, 10, 30))

    def test_reminders_move_with_it(self) -> None:
        booking_reschedule(booking=self.booking, start=NEW)
        pending = sorted(
            Message.objects.filter(
                booking=self.booking, purpose="reminder", status="pending"
            ).values_list("occurrence", "send_at")
        )
        self.assertEqual(
            pending, [("24h-s1", tokyo(2026, 12, 9, 14)), ("72h-s1", tokyo(2026, 12, 7, 14))]
        )
        self.assertEqual(
            Message.objects.filter(
                booking=self.booking, purpose="reminder", status="cancelled"
            ).count(),
            2,
        )
        self.assertTrue(Message.objects.filter(booking=self.booking, purpose="reschedule").exists())

    def test_after_the_deadline_only_staff_can_move_it(self) -> None:
        late = tokyo(2026, 12, 7, 12)
        with self.assertRaises(DomainError):
            booking_reschedule(booking=self.booking, start=NEW, now=late)
        moved = booking_reschedule(booking=self.booking, start=NEW, now=late, staff=True)
        self.assertEqual(moved.start, NEW)

    def test_another_municipalitys_site_is_refused(self) -> None:
        with self.assertRaises(DomainError) as caught:
            booking_reschedule(booking=self.booking, start=NEW, site=self.w.sakuragawa_site)
        self.assertEqual(caught.exception.code, "not_found")

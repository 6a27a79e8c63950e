"""Marking attended or no-show, from the day of the interview on."""

from __future__ import annotations

from scheduling.models import Booking
from scheduling.services import booking_create, booking_mark_attendance
from tests.base import BaseTestCase, tokyo
from yurikago.errors import DomainError


class BookingAttendanceTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
        )
        self.nurse_user = self.w.nurse_sato.user

    def test_it_cannot_be_marked_before_its_day(self) -> None:
        with self.assertRaises(DomainError):
            booking_mark_attendance(booking=self.booking, attended=True, actor=self.nurse_user)

    def test_it_is_marked_attended_on_the_day_with_an_event(self) -> None:
        marked = booking_mark_attendance(
            booking=self.booking,
            attended=True,
            actor=self.nurse_user,
            now=tokyo(2026, 12, 3, 10, 30),
        )
        self.assertEqual(marked.status, Booking.Status.ATTENDED)
        event = marked.events.last()
        self.assertEqual(
            (event.kind, event.actor_id, event.actor_is_staff),
            ("attended", self.nurse_user.id, True),
        )

    def test_a_mistake_can_be_corrected_to_no_show(self) -> None:
        now = tokyo(2026, 12, 3, 11)
        booking_mark_attendance(booking=self.booking, attended=True, actor=self.nurse_user, now=now)
        marked = booking_mark_attendance(
            booking=self.booking, attended=False, actor=self.nurse_user, now=now
        )
        self.assertEqual(marked.status, Booking.Status.NO_SHOW)
        self.assertFalse(marked.is_active)

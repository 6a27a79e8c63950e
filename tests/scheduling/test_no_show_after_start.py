"""欠席 (no-show) can be recorded only once the interview's start time has passed: before it she
may still come, so the service refuses with a translated error; "attended" stays open on the day."""

from __future__ import annotations

from django.utils import translation

from scheduling.models import Booking
from scheduling.services import booking_create, booking_mark_attendance
from tests.base import BaseTestCase, tokyo
from yurikago.errors import DomainError


class NoShowAfterStartTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
        )
        self.nurse_user = self.w.nurse_sato.user

    def mark_no_show(self, hh: int, mm: int) -> Booking:
        return booking_mark_attendance(
            booking=self.booking,
            attended=False,
            actor=self.nurse_user,
            now=tokyo(2026, 12, 3, hh, mm),
        )

    def test_it_refuses_a_no_show_on_the_morning_before_the_start(self) -> None:
        with self.assertRaises(DomainError) as caught:
            self.mark_no_show(9, 59)
        self.assertEqual(caught.exception.code, "not_started")
        self.booking.refresh_from_db()
        self.assertEqual(self.booking.status, Booking.Status.CONFIRMED)

    def test_the_refusal_is_in_japanese_for_a_japanese_nurse(self) -> None:
        with self.assertRaises(DomainError) as caught:
            self.mark_no_show(8, 0)
        with translation.override("ja"):
            self.assertIn("開始時刻", str(caught.exception.message))

    def test_it_records_a_no_show_once_the_start_time_has_come(self) -> None:
        self.assertEqual(self.mark_no_show(10, 0).status, Booking.Status.NO_SHOW)

    def test_attended_can_still_be_marked_before_the_start_on_the_day(self) -> None:
        marked = booking_mark_attendance(
            booking=self.booking,
            attended=True,
            actor=self.nurse_user,
            now=tokyo(2026, 12, 3, 9, 50),
        )
        self.assertEqual(marked.status, Booking.Status.ATTENDED)

"""Bad input to booking_create: a clear error with a code and a field, and nothing written."""

from __future__ import annotations

import datetime as dt

from notifications.models import Message
from scheduling.models import Booking, BookingEvent
from scheduling.services import booking_create
from tests.base import NOW, BaseTestCase, tokyo
from yurikago.errors import DomainError


class BookingCreateRefusalsTest(BaseTestCase):
    def create(self, start: dt.datetime, site=None, **kwargs):  # type: ignore[no-untyped-def]
        return booking_create(
            site=site or self.w.aoto,
            interview_type=self.w.itype,
            start=start,
            pregnancy=kwargs.pop("pregnancy", self.w.hanako_pregnancy),
            **kwargs,
        )

    def assertRefused(self, code: str, start: dt.datetime, **kwargs) -> DomainError:  # type: ignore[no-untyped-def]
        with self.assertRaises(DomainError) as caught:
            self.create(start, **kwargs)
        self.assertEqual(caught.exception.code, code)
        self.assertTrue(str(caught.exception.message))
        self.assertFalse(
            Booking.objects.filter(pregnancy=self.w.hanako_pregnancy, status="confirmed").exists()
        )
        self.assertFalse(Message.objects.exists())
        return caught.exception

    def test_it_books_a_free_slot(self) -> None:
        booking = self.create(tokyo(2026, 12, 3, 10))
        self.assertEqual(booking.status, Booking.Status.CONFIRMED)
        # Booked directly: the row is written confirmed, so its one event says where and who.
        event = BookingEvent.objects.get(booking=booking)
        self.assertEqual(event.kind, "confirmed")
        self.assertEqual(event.data["nurse"], booking.nurse_id)
        self.assertEqual(event.data["site"], booking.site_id)

    def test_a_past_slot_is_refused(self) -> None:
        error = self.assertRefused("in_past", tokyo(2026, 11, 30, 10))
        self.assertEqual(error.field, "start")

    def test_a_slot_inside_the_minimum_notice_is_refused_for_residents(self) -> None:
        self.assertRefused("outside_window", tokyo(2026, 12, 1, 14))

    def test_staff_may_book_inside_the_minimum_notice(self) -> None:
        booking = self.create(tokyo(2026, 12, 1, 14), staff=True)
        self.assertEqual(booking.status, Booking.Status.CONFIRMED)

    def test_a_slot_beyond_the_horizon_is_refused_even_for_staff(self) -> None:
        self.assertRefused("outside_window", tokyo(2027, 2, 5, 10), staff=True)

    def test_a_closed_day_is_refused(self) -> None:
        self.assertRefused("closed", tokyo(2026, 12, 29, 10))
        self.assertRefused("closed", tokyo(2026, 12, 5, 10))  # Saturday

    def test_a_time_nobody_works_is_a_conflict_not_a_crash(self) -> None:
        self.assertRefused("slot_unavailable", tokyo(2026, 12, 3, 12, 0))
        self.assertRefused("slot_unavailable", tokyo(2026, 12, 3, 10, 10))  # off the grid

    def test_a_mode_the_site_does_not_offer_is_refused(self) -> None:
        error = self.assertRefused("mode_unavailable", tokyo(2026, 12, 3, 10), mode="video")
        self.assertEqual(error.field, "mode")

    def test_a_second_active_interview_is_refused(self) -> None:
        self.create(tokyo(2026, 12, 3, 10))
        with self.assertRaises(DomainError) as caught:
            self.create(tokyo(2026, 12, 4, 10))
        self.assertEqual(caught.exception.code, "already_booked")
        self.assertEqual(Booking.objects.filter(pregnancy=self.w.hanako_pregnancy).count(), 1)

    def test_the_unique_constraint_backs_the_rule_in_the_database(self) -> None:
        from django.db import IntegrityError, transaction

        first = self.create(tokyo(2026, 12, 3, 10))
        clone = Booking(
            municipality=first.municipality,
            pregnancy=first.pregnancy,
            site=first.site,
            nurse=self.w.nurse_ito,
            interview_type=first.interview_type,
            start=tokyo(2026, 12, 8, 10),
            end=tokyo(2026, 12, 8, 10, 30),
            blocked_until=tokyo(2026, 12, 8, 10, 30),
            status="confirmed",
        )
        with self.assertRaises(IntegrityError), transaction.atomic():
            clone.save()

    def test_a_taken_slot_answers_with_alternatives(self) -> None:
        start = tokyo(2026, 12, 3, 10)
        self.create(start)
        self.create(start, pregnancy=self.w.mei_pregnancy)
        from scheduling.models import Pregnancy

        third = Pregnancy.objects.create(resident=self.w.mei, due_date=dt.date(2027, 7, 1))
        with self.assertRaises(DomainError) as caught:
            self.create(start, pregnancy=third)
        error = caught.exception
        self.assertEqual(error.code, "slot_unavailable")
        self.assertEqual(len(error.alternatives), 5)
        self.assertTrue(all(a.start > NOW for a in error.alternatives))

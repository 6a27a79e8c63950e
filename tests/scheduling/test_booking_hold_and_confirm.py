"""Holding a slot while she types, then confirming it: one transaction with its messages."""

from __future__ import annotations

import datetime as dt

from api.exceptions import domain_error_status
from notifications.models import Message
from scheduling.models import Booking, BookingEvent
from scheduling.services import (
    booking_confirm,
    booking_hold,
    booking_release_hold,
    holds_sweep_expired,
)
from tests.base import NOW, BaseTestCase, tokyo
from yurikago.errors import DomainError

SLOT = tokyo(2026, 12, 3, 10, 0)


class HoldAndConfirmTest(BaseTestCase):
    def hold(self, start=SLOT, **kwargs):  # type: ignore[no-untyped-def]
        return booking_hold(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=start,
            hold_owner="session-1",
            **kwargs,
        )

    def test_a_hold_reserves_a_nurse_and_a_room_for_ten_minutes(self) -> None:
        hold = self.hold()
        self.assertEqual(hold.status, Booking.Status.HELD)
        self.assertEqual(hold.expires_at, NOW + dt.timedelta(minutes=10))
        self.assertIn(hold.nurse_id, {self.w.nurse_sato.id, self.w.nurse_kato.id})
        self.assertEqual(hold.room, 1)
        self.assertEqual(hold.end, SLOT + dt.timedelta(minutes=30))
        self.assertEqual(list(hold.events.values_list("kind", flat=True)), ["held"])

    def test_confirming_writes_the_booking_its_event_and_its_messages_together(self) -> None:
        hold = self.hold()
        booking = booking_confirm(
            booking=hold, pregnancy=self.w.hanako_pregnancy, notify_sms=True, notify_email=True
        )
        self.assertEqual(booking.status, Booking.Status.CONFIRMED)
        self.assertIsNone(booking.expires_at)
        self.assertEqual(list(booking.events.values_list("kind", flat=True)), ["held", "confirmed"])
        purposes = sorted(
            Message.objects.filter(booking=booking).values_list("purpose", "channel", "occurrence")
        )
        self.assertEqual(
            purposes,
            [
                ("confirmation", "email", ""),
                ("confirmation", "sms", ""),
                ("reminder", "email", "24h-s0"),
                ("reminder", "sms", "24h-s0"),
            ],
        )  # the 72-hour reminder would be before now: not queued

    def test_a_third_hold_on_a_slot_with_two_nurses_is_refused_with_alternatives(self) -> None:
        self.hold()
        self.hold()
        with self.assertRaises(DomainError) as caught:
            self.hold()
        self.assertEqual(caught.exception.code, "slot_unavailable")
        self.assertEqual(domain_error_status(caught.exception), 409)  # as the API answers
        self.assertTrue(caught.exception.alternatives)
        self.assertNotIn(SLOT, [s.start for s in caught.exception.alternatives])
        self.assertEqual(Booking.objects.filter(start=SLOT).count(), 2)

    def test_an_expired_hold_cannot_be_confirmed_and_writes_nothing(self) -> None:
        hold = self.hold()
        with self.assertRaises(DomainError) as caught:
            booking_confirm(
                booking=hold, pregnancy=self.w.hanako_pregnancy, now=NOW + dt.timedelta(minutes=11)
            )
        self.assertEqual(caught.exception.code, "hold_expired")
        hold.refresh_from_db()
        self.assertIsNone(hold.pregnancy_id)
        self.assertFalse(Message.objects.exists())

    def test_an_expired_hold_frees_the_slot_for_someone_else(self) -> None:
        self.hold()
        self.hold()
        later = NOW + dt.timedelta(minutes=11)
        third = booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=SLOT, now=later)
        self.assertEqual(third.status, Booking.Status.HELD)
        # Issue 19: a hold no longer sweeps first. On PostgreSQL the expired rows were in the
        # exclusion constraint's way and got swept then; elsewhere the beat task sweeps them.
        holds_sweep_expired(now=later)
        self.assertEqual(Booking.objects.filter(status=Booking.Status.EXPIRED).count(), 2)
        third.refresh_from_db()
        self.assertEqual(third.status, Booking.Status.HELD)

    def test_a_released_hold_is_free_at_once(self) -> None:
        hold = self.hold()
        booking_release_hold(booking=hold)
        hold.refresh_from_db()
        self.assertEqual(hold.status, Booking.Status.EXPIRED)
        self.assertTrue(BookingEvent.objects.filter(booking=hold, kind="released").exists())

    def test_confirming_twice_returns_the_same_booking(self) -> None:
        hold = self.hold()
        first = booking_confirm(booking=hold, pregnancy=self.w.hanako_pregnancy)
        again = booking_confirm(booking=hold, pregnancy=self.w.hanako_pregnancy)
        self.assertEqual(first.pk, again.pk)
        self.assertEqual(Message.objects.filter(purpose="confirmation").count(), 1)

    def test_a_second_active_interview_for_one_pregnancy_is_refused(self) -> None:
        booking_confirm(booking=self.hold(), pregnancy=self.w.hanako_pregnancy)
        second = self.hold(start=tokyo(2026, 12, 4, 10))
        with self.assertRaises(DomainError) as caught:
            booking_confirm(booking=second, pregnancy=self.w.hanako_pregnancy)
        self.assertEqual(caught.exception.code, "already_booked")
        second.refresh_from_db()
        self.assertEqual(second.status, Booking.Status.HELD)
        self.assertIsNone(second.pregnancy_id)

    def test_the_reference_is_readable_on_the_phone(self) -> None:
        hold = self.hold()
        self.assertEqual(len(hold.reference), 8)
        self.assertFalse(set(hold.reference) & set("01258BILOSZ"))
        self.assertRegex(hold.display_reference, r"^[A-Z0-9]{4}-[A-Z0-9]{4}$")

"""Editing a nurse's hours: validation, the stranded-bookings warning, keeping history."""

from __future__ import annotations

import datetime as dt

from api.exceptions import domain_error_status
from scheduling.models import AvailabilityRule, BookingEvent
from scheduling.schedule_services import (
    StrandedBookingsError,
    availability_rule_create,
    availability_rule_delete,
    availability_rule_update,
    time_off_create,
    time_off_update,
)
from scheduling.services import booking_create
from tests.base import NOW, BaseTestCase, tokyo
from yurikago.errors import DomainError


class ScheduleServicesTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        w = self.w
        # Thursday 12/3 10:00 at 青戸; Kato is made busy so the booking goes to Sato.
        self.booking = booking_create(
            site=w.aoto,
            interview_type=w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=w.hanako_pregnancy,
            now=NOW,
        )
        if self.booking.nurse_id != w.nurse_sato.pk:
            self.booking.nurse = w.nurse_sato
            self.booking.save()
        self.thursday_morning = AvailabilityRule.objects.get(
            nurse=w.nurse_sato, site=w.aoto, weekday=3, start_time=dt.time(9)
        )

    def test_shortening_her_hours_lists_the_bookings_it_would_strand(self) -> None:
        with self.assertRaises(StrandedBookingsError) as caught:
            availability_rule_update(
                rule=self.thursday_morning,
                weekday=3,
                start_time=dt.time(11),
                end_time=dt.time(12),
                valid_from=dt.date(2026, 1, 1),
                actor=None,
                now=NOW,
            )
        self.assertEqual(caught.exception.code, "stranded_bookings")
        self.assertEqual(domain_error_status(caught.exception), 409)  # as the API answers
        self.assertEqual([b.pk for b in caught.exception.bookings], [self.booking.pk])
        self.thursday_morning.refresh_from_db()
        self.assertEqual(self.thursday_morning.start_time, dt.time(9))  # nothing changed

    def test_keeping_stranded_bookings_saves_and_says_so_in_their_log(self) -> None:
        new = availability_rule_update(
            rule=self.thursday_morning,
            weekday=3,
            start_time=dt.time(11),
            end_time=dt.time(12),
            valid_from=dt.date(2026, 1, 1),
            actor=self.w.nurse_sato.user,
            confirm_stranded=True,
            now=NOW,
        )
        self.assertEqual(new.start_time, dt.time(11))
        event = BookingEvent.objects.get(booking=self.booking, kind=BookingEvent.Kind.UPDATED)
        self.assertTrue(event.data["kept_outside_hours"])
        self.assertTrue(event.actor_is_staff)

    def test_a_rule_already_in_effect_is_ended_yesterday_not_rewritten(self) -> None:
        new = availability_rule_update(
            rule=self.thursday_morning,
            weekday=3,
            start_time=dt.time(9),
            end_time=dt.time(11, 30),
            valid_from=dt.date(2026, 1, 1),
            actor=None,
            now=NOW,
        )
        self.thursday_morning.refresh_from_db()
        self.assertEqual(self.thursday_morning.valid_to, dt.date(2026, 11, 30))
        self.assertEqual((new.valid_from, new.end_time), (dt.date(2026, 12, 1), dt.time(11, 30)))

    def test_deleting_hours_strands_their_bookings_unless_confirmed(self) -> None:
        with self.assertRaises(StrandedBookingsError):
            availability_rule_delete(rule=self.thursday_morning, actor=None, now=NOW)
        availability_rule_delete(
            rule=self.thursday_morning, actor=None, confirm_stranded=True, now=NOW
        )
        self.thursday_morning.refresh_from_db()
        self.assertEqual(self.thursday_morning.valid_to, dt.date(2026, 11, 30))

    def test_a_rule_that_never_applied_is_simply_deleted(self) -> None:
        rule = availability_rule_create(
            nurse=self.w.nurse_sato,
            site=self.w.eki,
            weekday=0,
            start_time=dt.time(17),
            end_time=dt.time(19),
            valid_from=dt.date(2027, 1, 4),
            actor=None,
        )
        availability_rule_delete(rule=rule, actor=None, now=NOW)
        self.assertFalse(AvailabilityRule.objects.filter(pk=rule.pk).exists())

    def test_time_off_over_a_booking_asks_first(self) -> None:
        with self.assertRaises(StrandedBookingsError) as caught:
            time_off_create(
                nurse=self.w.nurse_sato,
                start=tokyo(2026, 12, 3),
                end=tokyo(2026, 12, 4),
                actor=None,
                now=NOW,
            )
        self.assertEqual(len(caught.exception.bookings), 1)
        off = time_off_create(
            nurse=self.w.nurse_sato,
            start=tokyo(2026, 12, 3),
            end=tokyo(2026, 12, 4),
            actor=None,
            confirm_stranded=True,
            now=NOW,
        )
        self.assertIsNotNone(off.pk)

    def test_weekly_time_off_finds_bookings_in_later_weeks(self) -> None:
        # Every Thursday from 11/26 on, 09:00–11:00: the 12/3 booking falls in week two.
        with self.assertRaises(StrandedBookingsError):
            time_off_create(
                nurse=self.w.nurse_sato,
                start=tokyo(2026, 11, 26, 9),
                end=tokyo(2026, 11, 26, 11),
                weekly_until=dt.date(2026, 12, 31),
                actor=None,
                now=NOW,
            )

    def test_moving_time_off_away_from_a_booking_strands_nothing(self) -> None:
        off = time_off_create(
            nurse=self.w.nurse_sato,
            start=tokyo(2026, 12, 3),
            end=tokyo(2026, 12, 4),
            actor=None,
            confirm_stranded=True,
            now=NOW,
        )
        time_off_update(
            time_off=off, start=tokyo(2026, 12, 8), end=tokyo(2026, 12, 9), actor=None, now=NOW
        )

    def test_hours_may_not_overlap_her_hours_elsewhere(self) -> None:
        with self.assertRaises(DomainError) as caught:
            availability_rule_create(
                nurse=self.w.nurse_sato,
                site=self.w.eki,
                weekday=3,
                start_time=dt.time(11),
                end_time=dt.time(14),
                valid_from=dt.date(2026, 12, 1),
                actor=None,
            )
        self.assertEqual(caught.exception.code, "invalid")

    def test_a_nurse_gets_hours_only_at_her_own_sites(self) -> None:
        with self.assertRaises(DomainError):
            availability_rule_create(
                nurse=self.w.nurse_sato,
                site=self.w.niccowa,
                weekday=5,
                start_time=dt.time(9),
                end_time=dt.time(10),
                valid_from=dt.date(2026, 12, 1),
                actor=None,
            )

    def test_weekly_time_off_must_be_shorter_than_a_week(self) -> None:
        with self.assertRaises(DomainError):
            time_off_create(
                nurse=self.w.nurse_sato,
                start=tokyo(2026, 12, 7),
                end=tokyo(2026, 12, 15),
                weekly_until=dt.date(2027, 1, 31),
                actor=None,
                now=NOW,
            )

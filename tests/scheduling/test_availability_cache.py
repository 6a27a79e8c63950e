"""The availability micro-cache of the read paths: an answer is reused for a few seconds, any
committed write that changes availability ends it at once, and a rolled-back write does not.

The test settings switch the cache off; these tests switch it on.
"""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from scheduling.availability import (
    Slot,
    availability_changed,
    open_slots,
    open_slots_cached,
    open_slots_cached_as,
)
from scheduling.calendars.services import calendar_add_upload
from scheduling.config_services import closure_create
from scheduling.models import SiteClosure
from scheduling.schedule_services import time_off_create
from scheduling.services import (
    booking_cancel,
    booking_create,
    booking_hold,
    booking_release_hold,
)
from tests.base import NOW, TOKYO, BaseTestCase, tokyo
from yurikago.errors import DomainError

THURSDAY = dt.date(2026, 12, 3)  # 青戸: two nurses and two rooms, 09:00–12:00 and 13:00–16:00
TEN = tokyo(2026, 12, 3, 10)
ENGINE_QUERIES = 3  # see scheduling/availability/engine.py


def busy_ics(start: str, end: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\n"
        f"DTSTAMP:20261130T000000Z\r\nDTSTART;TZID=Asia/Tokyo:{start}\r\n"
        f"DTEND;TZID=Asia/Tokyo:{end}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


@override_settings(AVAILABILITY_CACHE_SECONDS=5)
class AvailabilityCacheTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()

    def cached(self, **kwargs: object) -> list[Slot]:
        query: dict = {"date_from": THURSDAY, "date_to": THURSDAY, **kwargs}
        return open_slots_cached(
            municipality=self.w.katsushika,
            interview_type=self.w.itype,
            site_ids=[self.w.aoto.id],
            **query,
        )

    def capacity_at_ten(self) -> int:
        return next((s.capacity for s in self.cached() if s.start == TEN), 0)

    def test_a_second_read_is_served_without_queries(self) -> None:
        first = self.cached()
        with self.assertNumQueries(0):
            self.assertEqual(self.cached(), first)

    def test_what_it_serves_is_the_engines_answer(self) -> None:
        self.cached()
        fresh = open_slots(
            municipality=self.w.katsushika,
            interview_type=self.w.itype,
            date_from=THURSDAY,
            date_to=THURSDAY,
            site_ids=[self.w.aoto.id],
            now=NOW,
        )
        self.assertEqual(self.cached(), fresh)
        self.assertEqual(len(fresh), 12)

    def test_other_arguments_are_computed_afresh(self) -> None:
        self.cached()
        with self.assertNumQueries(ENGINE_QUERIES):
            self.cached(date_to=THURSDAY + dt.timedelta(days=1))
        with self.assertNumQueries(ENGINE_QUERIES):
            self.cached(ignore_notice=True)

    def test_every_engine_argument_is_part_of_the_key(self) -> None:
        friday = THURSDAY + dt.timedelta(days=1)

        def read(**extra: object) -> list[Slot]:
            return open_slots_cached_as(
                list,
                municipality=self.w.katsushika,
                interview_type=self.w.itype,
                date_from=THURSDAY,
                date_to=friday,
                site_ids=[self.w.aoto.id],
                **extra,
            )

        self.assertEqual({s.start.date() for s in read(first_day_only=True)}, {THURSDAY})
        with self.assertNumQueries(ENGINE_QUERIES):
            self.assertEqual({s.start.date() for s in read()}, {THURSDAY, friday})

    def test_a_new_minute_is_computed_afresh(self) -> None:
        self.cached()
        with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
            with self.assertNumQueries(ENGINE_QUERIES):
                self.cached()

    @override_settings(AVAILABILITY_CACHE_SECONDS=0)
    def test_zero_seconds_switches_it_off(self) -> None:
        self.cached()
        with self.assertNumQueries(ENGINE_QUERIES):
            self.cached()

    def test_the_ttl_bounds_what_no_write_announces(self) -> None:
        self.assertTrue(self.cached())
        # Straight into the table, as Django admin would: nothing bumps the generation.
        SiteClosure.objects.create(
            municipality=self.w.katsushika, site=self.w.aoto, date_from=THURSDAY, date_to=THURSDAY
        )
        with time_machine.travel(NOW + dt.timedelta(seconds=4), tick=False):
            self.assertTrue(self.cached())  # stale, within the TTL
        with time_machine.travel(NOW + dt.timedelta(seconds=6), tick=False):
            self.assertEqual(self.cached(), [])

    def test_a_hold_ends_it_when_it_commits_not_before(self) -> None:
        self.assertEqual(self.capacity_at_ten(), 2)
        with self.captureOnCommitCallbacks() as callbacks:
            booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=TEN, now=NOW)
        with self.assertNumQueries(0):
            self.assertEqual(self.capacity_at_ten(), 2)  # not committed yet: still served
        for callback in callbacks:
            callback()
        self.assertEqual(self.capacity_at_ten(), 1)

    def test_releasing_a_hold_ends_it(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            hold = booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=TEN, now=NOW)
        self.assertEqual(self.capacity_at_ten(), 1)
        with self.captureOnCommitCallbacks(execute=True):
            booking_release_hold(booking=hold)
        self.assertEqual(self.capacity_at_ten(), 2)

    def test_a_booking_and_its_cancellation_each_end_it(self) -> None:
        self.assertEqual(self.capacity_at_ten(), 2)
        with self.captureOnCommitCallbacks(execute=True):
            booking = booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=TEN,
                pregnancy=self.w.hanako_pregnancy,
                now=NOW,
            )
        self.assertEqual(self.capacity_at_ten(), 1)
        with self.captureOnCommitCallbacks(execute=True):
            booking_cancel(booking=booking, staff=True, now=NOW)
        self.assertEqual(self.capacity_at_ten(), 2)

    def test_schedule_closure_and_calendar_changes_end_it(self) -> None:
        self.assertEqual(self.capacity_at_ten(), 2)
        with self.captureOnCommitCallbacks(execute=True):
            time_off_create(
                nurse=self.w.nurse_sato,
                start=tokyo(2026, 12, 3, 9),
                end=tokyo(2026, 12, 3, 11),
                actor=None,
                now=NOW,
            )
        self.assertEqual(self.capacity_at_ten(), 1)
        with self.captureOnCommitCallbacks(execute=True):
            calendar_add_upload(
                nurse=self.w.nurse_kato,
                content=busy_ics("20261203T100000", "20261203T103000"),
            )
        self.assertEqual(self.capacity_at_ten(), 0)
        with self.captureOnCommitCallbacks(execute=True):
            closure_create(
                municipality=self.w.katsushika,
                site=self.w.aoto,
                date_from=THURSDAY,
                date_to=THURSDAY,
                actor=None,
            )
        self.assertEqual(self.cached(), [])

    def test_a_rolled_back_write_leaves_it_alone(self) -> None:
        self.cached()
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            with self.assertRaises(RuntimeError), transaction.atomic():
                availability_changed()
                raise RuntimeError("the write failed")
            with self.assertRaises(DomainError):  # 12:00 is lunch: refused, rolled back
                booking_hold(
                    site=self.w.aoto,
                    interview_type=self.w.itype,
                    start=tokyo(2026, 12, 3, 12),
                    now=NOW,
                )
        self.assertEqual(callbacks, [])
        with self.assertNumQueries(0):
            self.cached()

    def test_slot_times_keep_the_municipality_offset(self) -> None:
        self.cached()
        self.assertEqual(self.cached()[0].start.utcoffset(), dt.timedelta(hours=9))
        self.assertEqual(self.cached()[0].start.tzinfo, TOKYO)

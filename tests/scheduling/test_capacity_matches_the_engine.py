"""The managers' capacity figure and the residents' slots come from one calendar expansion.

Over a random week of a random world (the worlds of test_availability_properties: rules with
validity dates, closures, holidays, time off with weekly repeats, busy blocks, rooms, last start
times), a report's offered slots per site and per day equal the engine's free places plus the
bookings made, whatever is booked. The grid is one interview long (step = duration, no buffer,
rules starting on it), so that one booking takes exactly one place: the condition under which
"offered = free + booked" is a fact rather than an approximation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from scheduling.availability import Slot, open_slots
from scheduling.models import AvailabilityRule, Booking, InterviewType, Mode, Pregnancy
from scheduling.reports import utilisation_report
from scheduling.services import booking_create
from tests.base import NOW, TOKYO, BaseTestCase
from tests.scheduling.helpers import (
    SPAN_DAYS,
    Built,
    RuleSpec,
    WorldSpec,
    build,
    worlds,
)

EXAMPLES = settings(
    max_examples=min(40, settings().max_examples),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _overlap(a: RuleSpec, b: RuleSpec) -> bool:
    return (
        a.nurse == b.nurse
        and a.weekday == b.weekday
        and a.start_minute < b.start_minute + b.minutes
        and b.start_minute < a.start_minute + a.minutes
    )


@st.composite
def weeks(draw: st.DrawFn) -> WorldSpec:
    """A world on a grid of whole interviews, asked about one week, booked by staff."""
    spec = draw(worlds())
    duration = draw(st.sampled_from([30, 60]))
    aligned = [
        dataclasses.replace(r, start_minute=r.start_minute // duration * duration)
        for r in spec.rules
    ]
    # One nurse's hours at two sites at once would be offered twice (the service refuses
    # such rules); at one site the engine and the report must both count her once.
    rules: list[RuleSpec] = []
    for rule in aligned:
        if not any(_overlap(rule, kept) and kept.site != rule.site for kept in rules):
            rules.append(rule)
    return dataclasses.replace(
        spec,
        rules=rules,
        bookings=[],
        duration=duration,
        step=duration,
        buffer=0,
        modes=[Mode.IN_PERSON],
        mode=Mode.IN_PERSON,
        sites=[
            dataclasses.replace(s, modes=draw(st.sampled_from([[], [Mode.IN_PERSON]])))
            for s in spec.sites
        ],
        max_days_ahead=60,
        now_minutes=0,
        date_from_day=draw(st.integers(3, SPAN_DAYS - 7)),
        days=6,
        staff=True,
    )


class CapacityMatchesTheEngineTest(HypothesisTestCase, BaseTestCase):
    def free_slots(self, built: Built) -> list[Slot]:
        return open_slots(
            municipality=built.itype.municipality,
            interview_type=built.itype,
            date_from=built.date_from,
            date_to=built.date_to,
            site_ids=[s.id for s in built.sites],
            mode=Mode.IN_PERSON,
            now=built.now,
            ignore_notice=True,
        )

    def book(self, built: Built, slot: Slot) -> Booking:
        site = next(s for s in built.sites if s.id == slot.site_id)
        return booking_create(
            site=site,
            interview_type=built.itype,
            start=slot.start,
            pregnancy=Pregnancy.objects.create(resident=self.w.hanako),
            staff=True,
            channel=Booking.Channel.STAFF,
            now=built.now,
        )

    @EXAMPLES
    @given(spec=weeks(), picks=st.lists(st.integers(0, 10_000), max_size=8))
    def test_offered_capacity_is_the_engines_free_places_plus_the_bookings(
        self, spec: WorldSpec, picks: list[int]
    ) -> None:
        built = build(spec, self.w.katsushika)
        # The report reads the municipality's first active interview type: make it this one.
        InterviewType.objects.filter(municipality=self.w.katsushika).exclude(
            pk=built.itype.pk
        ).update(is_active=False)
        booked_per_site: Counter[int] = Counter()
        booked_per_day: Counter[dt.date] = Counter()
        with time_machine.travel(built.now, tick=False):
            for pick in picks:
                slots = self.free_slots(built)
                if not slots:
                    break
                booking = self.book(built, slots[pick % len(slots)])
                booked_per_site[booking.site_id] += 1
                booked_per_day[booking.start.astimezone(TOKYO).date()] += 1
            free = self.free_slots(built)
            report = utilisation_report(
                site_ids=[s.id for s in built.sites],
                date_from=built.date_from,
                date_to=built.date_to,
                now=built.now,
                include_next_free=False,
            )
        free_per_site: Counter[int] = Counter()
        free_per_day: Counter[dt.date] = Counter()
        for slot in free:
            free_per_site[slot.site_id] += slot.capacity
            free_per_day[slot.start.astimezone(TOKYO).date()] += slot.capacity
        self.assertEqual(
            {row.site_id: row.offered_slots for row in report.rows},
            {s.id: free_per_site[s.id] + booked_per_site[s.id] for s in built.sites},
        )
        self.assertEqual(
            {day.day: day.offered_slots for day in report.days},
            {day.day: free_per_day[day.day] + booked_per_day[day.day] for day in report.days},
        )


class OverlappingRulesTest(BaseTestCase):
    """Found by the property above: two overlapping rules of one nurse at one site (the admin
    does not refuse them) counted her twice in the offered capacity; residents are offered her
    once."""

    def offered(self) -> int:
        report = utilisation_report(
            site_ids=[self.w.aoto.id],
            date_from=dt.date(2026, 12, 7),
            date_to=dt.date(2026, 12, 13),
            now=NOW,
            include_next_free=False,
        )
        return report.rows[0].offered_slots

    def test_a_nurse_with_a_second_copy_of_her_hours_is_counted_once(self) -> None:
        self.w.aoto.rooms = 9  # so that nurses, not rooms, are what the figure counts
        self.w.aoto.save()
        before = self.offered()
        rules = AvailabilityRule.objects.filter(nurse=self.w.nurse_sato, site=self.w.aoto)
        self.assertTrue(rules.exists())
        for rule in list(rules):
            rule.pk = None
            rule.save()
        self.assertEqual(self.offered(), before)

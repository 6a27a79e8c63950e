"""The booking's one-start check (`slot_at`, issue 19) agrees with the engine's whole day.

The booking services no longer compute the site's day inside their transaction: they ask
`slot_at` about the start she chose. For every start the engine offers in a random world
(tests/scheduling/helpers.py: sites with their days, rooms and closures, nurses with rules, time
off, busy blocks, bookings and holds in every status), `slot_at` must give the very same slot:
the same nurses in the same order (the first is the one booked) and the same free rooms. For
starts the engine does not offer (a rule's other steps, off-grid minutes), it gives nothing.
On PostgreSQL this is the one-round-trip SQL; elsewhere the ORM reads.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase as HypothesisTestCase

from scheduling.availability import booking_window, open_slots
from scheduling.availability.intervals import slot_at
from scheduling.models import Site
from tests.base import TOKYO, BaseTestCase, tokyo
from tests.scheduling.helpers import Built, WorldSpec, build, worlds

EXAMPLES = settings(
    max_examples=min(60, settings().max_examples),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MAX_STARTS = 60  # per example: enough to cover each site's days, bounded in time


def _earliest(site: Site, built: Built) -> dt.datetime:
    """The first bookable instant, as the booking service computes it before asking."""
    if built.spec.staff:
        return built.now + dt.timedelta(microseconds=1)
    return max(booking_window(site, built.itype, built.now)[0], built.now)


class SlotAtMatchesTheEngineTest(HypothesisTestCase, BaseTestCase):
    @EXAMPLES
    @given(spec=worlds())
    def test_slot_at_gives_the_engines_slot_for_every_start_and_nothing_elsewhere(
        self, spec: WorldSpec
    ) -> None:
        built = build(spec, self.w.katsushika)
        engine = {
            (s.site_id, s.start): s
            for s in open_slots(
                municipality=built.itype.municipality,
                interview_type=built.itype,
                date_from=built.date_from,
                date_to=built.date_to,
                site_ids=[s.id for s in built.sites],
                mode=built.spec.mode,
                now=built.now,
                ignore_notice=built.spec.staff,
            )
        }
        step = dt.timedelta(minutes=built.itype.slot_step_minutes)
        starts: set[tuple[int, dt.datetime]] = set(engine)
        for key in list(engine):
            starts.add((key[0], key[1] + dt.timedelta(minutes=5)))  # off the grid, mostly
        for rule in (r for site in built.sites for r in site.rules.all()):
            day = built.date_from
            while day <= built.date_to:
                if day.weekday() == rule.weekday:
                    at = dt.datetime.combine(day, rule.start_time, tzinfo=TOKYO)
                    while at.time() <= rule.end_time and at.date() == day:
                        starts.add((rule.site_id, at))
                        at += step
                day += dt.timedelta(days=1)
        sites = {s.id: s for s in built.sites}

        def asked(key: tuple[int, dt.datetime]) -> bool:
            """Not refused by the booking service before it asks (past, beyond the window)."""
            site, day = sites[key[0]], key[1].astimezone(TOKYO).date()
            _, last_day = booking_window(site, built.itype, built.now)
            return key[1] > built.now and day <= min(last_day, built.date_to)

        offered = sorted(k for k in starts if k in engine)
        others = sorted(k for k in starts if k not in engine and asked(k))
        # Every other one, so the sample spreads over the days and sites.
        for site_id, start in offered[:MAX_STARTS] + others[:: max(1, len(others) // MAX_STARTS)]:
            site = sites[site_id]
            got = slot_at(
                site=site,
                interview_type=built.itype,
                start=start,
                mode=built.spec.mode,
                earliest=_earliest(site, built),
                now=built.now,
            )
            self.assertEqual(got, engine.get((site_id, start)), f"{site.code} {start}")


class SlotAtCostTest(BaseTestCase):
    def test_one_round_trip_on_postgresql_five_reads_elsewhere(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            slot = slot_at(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=tokyo(2026, 12, 8, 10),
                mode="in_person",
                earliest=tokyo(2026, 12, 2, 0),
                now=tokyo(2026, 12, 1, 9),
            )
        self.assertIsNotNone(slot)
        self.assertEqual(len(queries), 1 if connection.vendor == "postgresql" else 5)

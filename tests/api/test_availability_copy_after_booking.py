"""A process's copy of an availability answer (issue 19) is served only under the generation it
was made in: a booking that commits ends it in every process, one that rolls back does not, and
a write nobody announces shows no later than AVAILABILITY_CACHE_SECONDS after the computation,
as with the shared cache alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.db import transaction
from django.test import override_settings

from api import availability_cache
from scheduling import services
from scheduling.models import AvailabilityRule
from tests.api.helpers import API, ApiTestCase
from tests.base import NOW, tokyo

THURSDAY = {"from": "2026-12-03", "to": "2026-12-03"}
TEN = tokyo(2026, 12, 3, 10)


@override_settings(AVAILABILITY_CACHE_SECONDS=5)
class AvailabilityCopyAfterBookingTest(ApiTestCase):
    def get(self, **params: object) -> Any:
        response = self.client_for(None).get(
            f"{API}/availability/", {**THURSDAY, "site": self.w.aoto.pk, **params}
        )
        self.assertEqual(response.status_code, 200, response.content[:300])
        return response

    def capacity_at_ten(self) -> int:
        slots = self.get().json()["slots"]
        return next(s["capacity"] for s in slots if s["start"] == TEN.isoformat())

    def book_hanako_at_ten(self) -> None:
        services.booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=TEN,
            pregnancy=self.w.hanako_pregnancy,
            actor=self.w.hanako.user,
        )

    def test_a_repeated_read_is_served_by_the_process_without_a_query(self) -> None:
        first = self.get()
        with self.assertNumQueries(0):
            self.assertEqual(self.get().content, first.content)

    def test_a_booking_that_commits_shows_on_the_next_read(self) -> None:
        self.assertEqual(self.capacity_at_ten(), 2)
        with self.captureOnCommitCallbacks(execute=True):
            self.book_hanako_at_ten()
        self.assertEqual(self.capacity_at_ten(), 1)

    def test_another_process_sees_the_booking_too(self) -> None:
        self.assertEqual(self.capacity_at_ten(), 2)
        with self.captureOnCommitCallbacks(execute=True):
            self.book_hanako_at_ten()
        # Another process shares only the cache: its copies are these, made before the commit.
        self.assertEqual(self.capacity_at_ten(), 1)
        availability_cache.answers.clear()
        self.assertEqual(self.capacity_at_ten(), 1)

    def test_a_booking_that_rolls_back_keeps_the_copy(self) -> None:
        self.assertEqual(self.capacity_at_ten(), 2)
        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            self.book_hanako_at_ten()
            transaction.set_rollback(True)
        with self.assertNumQueries(0):
            self.assertEqual(self.capacity_at_ten(), 2)

    def test_an_unannounced_write_shows_once_the_shared_entry_would_have_ended(self) -> None:
        self.assertEqual(self.capacity_at_ten(), 2)
        # No service, no availability_changed(): only the TTL ends what was computed before.
        AvailabilityRule.objects.filter(nurse=self.w.nurse_kato).delete()
        with time_machine.travel(NOW + dt.timedelta(seconds=4.9), tick=False):
            self.assertEqual(self.capacity_at_ten(), 2)
        with time_machine.travel(NOW + dt.timedelta(seconds=5), tick=False):
            self.assertEqual(self.capacity_at_ten(), 1)

    def test_a_copy_taken_from_the_shared_entry_ends_with_it(self) -> None:
        self.assertEqual(self.capacity_at_ten(), 2)  # computed at NOW, shared until NOW + 5 s
        AvailabilityRule.objects.filter(nurse=self.w.nurse_kato).delete()
        with time_machine.travel(NOW + dt.timedelta(seconds=3), tick=False):
            availability_cache.answers.clear()  # another process: its copy comes from Redis
            self.assertEqual(self.capacity_at_ten(), 2)
        with time_machine.travel(NOW + dt.timedelta(seconds=5), tick=False):
            self.assertEqual(self.capacity_at_ten(), 1)

    def test_a_flushed_cache_ends_every_copy(self) -> None:
        self.assertEqual(self.capacity_at_ten(), 2)
        AvailabilityRule.objects.filter(nurse=self.w.nurse_kato).delete()
        from django.core.cache import cache

        cache.clear()  # the generation starts again at 0, as the copy's did
        self.assertEqual(self.capacity_at_ten(), 1)

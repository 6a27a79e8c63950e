"""One computation per entry and generation (issue 19): of the readers that miss the same
availability entry at once, in any thread or process, one computes and the others wait for what
it stores; a waiter never takes an answer older than the generation it reads, so a caller who
reads after her own write still sees it; and a computer that never stores holds nobody up for
longer than FLIGHT_WAIT_SECONDS.

"Another process" is played by the cache: its lock taken, and its entry stored from a timer
thread, as a second gunicorn process would through Redis."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any
from unittest import mock

from django.core.cache import cache
from django.test import override_settings

from scheduling.availability import Slot, open_slots_cached
from scheduling.availability import cache as availability_cache
from tests.base import BaseTestCase

THURSDAY = dt.date(2026, 12, 3)
ENGINE_QUERIES = 3  # see scheduling/availability/engine.py


@override_settings(AVAILABILITY_CACHE_SECONDS=5)
class SingleFlightTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()

    def read(self) -> list[Slot]:
        return open_slots_cached(
            municipality=self.w.katsushika,
            interview_type=self.w.itype,
            date_from=THURSDAY,
            date_to=THURSDAY,
            site_ids=[self.w.aoto.id],
        )

    def entry_key(self) -> str:
        """The key the read above uses: read once, then find it in the cache."""
        self.read()
        keys = [k for k in cache._cache if ":availability:" in k and "generation" not in k]  # type: ignore[attr-defined]
        self.assertEqual(len(keys), 1, keys)
        key = keys[0].split(":", 2)[2]  # LocMemCache's "prefix:version:key"
        self.version = cache.get(key)[0]  # its generations as stored ("global.site")
        cache.delete(key)
        return key

    def another_process_computes(self, key: str, *, stores: Any, after: float = 0.05) -> None:
        version = self.version
        self.assertTrue(cache.add(f"{key}:computing:{version}", 1, timeout=2))

        def store() -> None:
            if stores is not None:
                cache.set(key, (version, stores), timeout=5)
            cache.delete(f"{key}:computing:{version}")

        timer = threading.Timer(after, store)
        timer.start()
        self.addCleanup(timer.join)

    def test_a_reader_waits_for_the_one_computing_and_serves_what_it_stores(self) -> None:
        key = self.entry_key()
        theirs: list[Slot] = []  # recognisably theirs: the engine never answers [] here
        self.another_process_computes(key, stores=theirs)
        before = availability_cache.computations
        with self.assertNumQueries(0):
            self.assertEqual(self.read(), theirs)
        self.assertEqual(availability_cache.computations, before)

    def test_a_reader_computes_once_and_frees_the_lock(self) -> None:
        key = self.entry_key()
        before = availability_cache.computations
        with self.assertNumQueries(ENGINE_QUERIES):
            first = self.read()
        self.assertEqual(availability_cache.computations, before + 1)
        self.assertIsNone(cache.get(f"{key}:computing:{self.version}"))
        with self.assertNumQueries(0):
            self.assertEqual(self.read(), first)

    def test_a_write_committing_while_she_waits_is_not_served_the_older_answer(self) -> None:
        key = self.entry_key()
        self.another_process_computes(key, stores=[], after=0.1)
        # Her own write commits (its on-commit bump) while the other process still computes
        # the older generation: she computes the new one herself.
        bump = threading.Timer(0.02, availability_cache._bump_generation)
        bump.start()
        self.addCleanup(bump.join)
        with self.assertNumQueries(ENGINE_QUERIES):
            slots = self.read()
        self.assertNotEqual(slots, [])

    def test_a_computer_that_never_stores_holds_her_up_no_longer_than_the_wait(self) -> None:
        key = self.entry_key()
        self.another_process_computes(key, stores=None, after=1.0)
        with mock.patch.object(availability_cache, "FLIGHT_WAIT_SECONDS", 0.1):
            with self.assertNumQueries(ENGINE_QUERIES):
                self.assertNotEqual(self.read(), [])

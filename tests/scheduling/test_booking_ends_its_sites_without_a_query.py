"""A hold or booking tells which sites' cached availability it ends from its own write (issue 19,
fifth round, PostgreSQL): its one statement returns its site and every site where its nurse has
a rule, with their municipalities, so nothing is read after commit to find them (before, one
query after every hold's and booking's commit). The answers ended are the same as before. A
hold confirmed ends none: its place was taken while held, and stays taken."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from scheduling.availability import Slot, open_slots_cached
from scheduling.models import Site
from scheduling.services import booking_confirm, booking_create, booking_hold
from tests.base import BaseTestCase, tokyo

FRIDAY_EVENING = tokyo(2026, 12, 11, 17)  # えき: only 佐藤, who also works at 青戸
ENGINE_QUERIES = 3  # see scheduling/availability/engine.py


@override_settings(AVAILABILITY_CACHE_SECONDS=5)
class BookingEndsItsSitesWithoutAQueryTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        if connection.vendor != "postgresql":
            self.skipTest("the one-statement write is PostgreSQL's")
        cache.clear()

    def read(self, site: Site | None) -> list[Slot]:
        day = FRIDAY_EVENING.date()
        return open_slots_cached(
            municipality=self.w.katsushika,
            interview_type=self.w.itype,
            date_from=day - dt.timedelta(days=3),
            date_to=day,
            site_ids=None if site is None else [site.pk],
        )

    def read_all(self) -> None:
        for site in (self.w.aoto, self.w.niccowa, self.w.eki, None):
            self.read(site)

    def queries_after_commit(self, write) -> list[str]:  # type: ignore[no-untyped-def]
        """The rules read after commit (the tests' eager dispatcher reads its messages then)."""
        with CaptureQueriesContext(connection) as everything:
            with self.captureOnCommitCallbacks(execute=True):
                with CaptureQueriesContext(connection) as inside:
                    write()
        after = everything.captured_queries[len(inside.captured_queries) :]
        return [q["sql"] for q in after if "scheduling_availabilityrule" in q["sql"]]

    def assertEnds(self, *sites: Site | None) -> None:
        for site in (self.w.aoto, self.w.niccowa, self.w.eki, None):
            with self.subTest(site=site and site.code):
                with self.assertNumQueries(ENGINE_QUERIES if site in sites else 0):
                    self.read(site)

    def test_a_booking_ends_her_nurses_sites_and_reads_nothing_after_commit(self) -> None:
        self.read_all()
        after = self.queries_after_commit(
            lambda: booking_create(
                site=self.w.eki,
                interview_type=self.w.itype,
                start=FRIDAY_EVENING,
                pregnancy=self.w.hanako_pregnancy,
            )
        )
        self.assertEqual(after, [])
        self.assertEnds(self.w.eki, self.w.aoto, None)

    def test_a_hold_likewise_and_its_confirmation_ends_nothing(self) -> None:
        self.read_all()
        held: list = []
        after = self.queries_after_commit(
            lambda: held.append(
                booking_hold(site=self.w.eki, interview_type=self.w.itype, start=FRIDAY_EVENING)
            )
        )
        self.assertEqual(after, [])
        self.assertEnds(self.w.eki, self.w.aoto, None)
        self.read_all()
        # Confirmed before it expires, its place stays taken: every answer still holds.
        after = self.queries_after_commit(
            lambda: booking_confirm(booking=held[0], pregnancy=self.w.hanako_pregnancy)
        )
        self.assertEqual(after, [])
        self.assertEnds()

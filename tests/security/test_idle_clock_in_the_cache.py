"""The idle clock without a database write per request (issue 19): with sessions in the shared
cache (yurikago.cached_db_sessions) a request's "seen" stamp goes to the cache, and the session
row takes it only every SEEN_STORED_SECONDS. The idle limit and the absolute limit hold as
before, and a stamp the cache lost can only sign her out sooner, never later."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.base import NOW, BaseTestCase
from yurikago.security import SEEN_STORED_SECONDS


def at(minutes: float) -> time_machine.travel:
    return time_machine.travel(NOW + dt.timedelta(minutes=minutes), tick=False)


@override_settings(
    SESSION_ENGINE="yurikago.cached_db_sessions",
    SESSION_IDLE_MINUTES_RESIDENT=30,
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
)
class IdleClockInTheCacheTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.addCleanup(cache.clear)
        with at(0):
            self.client.force_login(self.w.hanako.user)

    def signed_in(self) -> bool:
        response = self.client.get("/bookings/")
        self.assertIn(response.status_code, (200, 302))
        return response.status_code == 200

    def session_writes(self, minutes: float) -> list[str]:
        with at(minutes), CaptureQueriesContext(connection) as captured:
            self.assertTrue(self.signed_in(), minutes)
        return [q["sql"] for q in captured if "django_session" in q["sql"] and "UPDATE" in q["sql"]]

    def test_her_requests_between_stored_stamps_write_no_session_row(self) -> None:
        self.assertTrue(self.session_writes(0))  # her first request stores the clock
        for minutes in (1, 2, 5, 9):
            self.assertEqual(self.session_writes(minutes), [], minutes)
        # The stored stamp is due again after SEEN_STORED_SECONDS.
        self.assertTrue(self.session_writes(SEEN_STORED_SECONDS / 60 + 1))

    def test_the_cached_stamp_restarts_her_clock(self) -> None:
        for minutes in (0, 9, 38):  # 38: 29 minutes after the cache's stamp, 38 after the row's
            with at(minutes):
                self.assertTrue(self.signed_in(), minutes)

    def test_the_idle_limit_still_holds(self) -> None:
        for minutes in (0, 9):
            with at(minutes):
                self.assertTrue(self.signed_in())
        with at(9 + 31):
            self.assertFalse(self.signed_in())
        with at(9 + 32):
            self.assertFalse(self.signed_in())

    def test_a_lost_cache_signs_her_out_sooner_never_later(self) -> None:
        for minutes in (0, 9):
            with at(minutes):
                self.assertTrue(self.signed_in())
        cache.clear()  # the cache restarted: her session is read from its row again
        with at(31):  # 22 minutes after her last request, 31 after the row's stamp
            self.assertFalse(self.signed_in())

    @override_settings(SESSION_MAX_HOURS=2)
    def test_no_session_outlives_the_absolute_limit(self) -> None:
        for minutes in range(0, 120, 4):
            with at(minutes):
                self.assertTrue(self.signed_in(), minutes)
        with at(121):
            self.assertFalse(self.signed_in())

    def test_signing_out_leaves_no_stamp_behind(self) -> None:
        for minutes in (0, 2):
            with at(minutes):
                self.assertTrue(self.signed_in())
        key = self.client.session.session_key
        self.assertIsNotNone(cache.get(f"django.contrib.sessions.cached_db{key}:seen"))
        with at(3):
            self.client.post("/accounts/logout/")
            self.assertFalse(self.signed_in())
        self.assertIsNone(cache.get(f"django.contrib.sessions.cached_db{key}:seen"))

    def test_the_stamp_is_read_on_the_async_path_too(self) -> None:
        import asyncio

        from yurikago.cached_db_sessions import SessionStore

        for minutes in (0, 2):
            with at(minutes):
                self.assertTrue(self.signed_in())
        key = self.client.session.session_key
        stamped = SessionStore(key)
        stamped.load()
        again = SessionStore(key)
        asyncio.run(again.aload())
        self.assertIsNotNone(stamped.seen_in_cache)
        self.assertEqual(again.seen_in_cache, stamped.seen_in_cache)

    def test_a_row_written_with_a_shorter_life_is_written_once_more(self) -> None:
        from yurikago.security import SEEN_KEY, STARTED_KEY

        # As the release before this one left it: stamped, expiring 30 minutes + 30 s on.
        with at(0):
            self.assertTrue(self.signed_in())
            session = self.client.session
            session[SEEN_KEY] = session[STARTED_KEY] = int(NOW.timestamp())
            session.set_expiry(30 * 60 + 30)
            session.save()
        self.assertTrue(self.session_writes(1))  # its life made long enough: written
        self.assertEqual(self.session_writes(2), [])  # then the cache takes the stamps

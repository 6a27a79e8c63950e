"""Rate limits with Redis as the shared cache, as in production: the same sliding minute as
DRF's throttles, every bucket of a request checked in one round trip (Redis DB 15)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
import time_machine
from django.core.cache import caches
from django.test import override_settings

from tests.base import NOW, redis_or_skip

from .helpers import API, RELAXED_RATES, ApiTestCase

REDIS_URL = "redis://127.0.0.1:6379/15"  # this test's own Redis database
REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "throttle-test",
    }
}


@contextmanager
def commands_sent_to_our_database() -> Iterator[list[str]]:
    """The Redis commands sent to DB 15 meanwhile, as they leave for the server."""
    sent: list[str] = []
    original = redis.connection.AbstractConnection.send_command

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.db == 15:
            sent.append(str(args[0]).upper())
        return original(self, *args, **kwargs)

    redis.connection.AbstractConnection.send_command = spy  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        redis.connection.AbstractConnection.send_command = original  # type: ignore[method-assign]


@pytest.mark.services
@override_settings(CACHES=REDIS_CACHE)
class RedisThrottlingTest(ApiTestCase):
    def setUp(self) -> None:
        redis_or_skip()
        super().setUp()
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).flushdb()
        self.addCleanup(caches["default"].clear)

    def hold(self, client, hour: int = 10):  # type: ignore[no-untyped-def]
        return client.post(
            f"{API}/holds/",
            {"site": self.w.aoto.id, "start": f"2026-12-03T{hour:02d}:00:00+09:00"},
            format="json",
        )

    def test_holds_beyond_the_limit_are_429_with_retry_after(self) -> None:
        client = self.client_for(self.w.hanako.user)
        with override_settings(API_THROTTLE_RATES={**RELAXED_RATES, "hold": 2}):
            self.assertEqual(self.hold(client, 10).status_code, 201)
            self.assertEqual(self.hold(client, 11).status_code, 201)
            response = self.hold(client, 13)
        self.assertProblem(response, 429, "throttled")
        self.assertGreaterEqual(int(response["Retry-After"]), 1)
        self.assertLessEqual(int(response["Retry-After"]), 60)

    def test_the_window_slides_and_a_refused_request_does_not_count(self) -> None:
        client = self.client_for(self.w.hanako.user)
        rates = {**RELAXED_RATES, "user": 2}
        with override_settings(API_THROTTLE_RATES=rates), time_machine.travel(NOW) as clock:
            self.assertEqual(client.get(f"{API}/bookings/").status_code, 200)
            clock.shift(dt.timedelta(seconds=30))
            self.assertEqual(client.get(f"{API}/bookings/").status_code, 200)
            refused = client.get(f"{API}/bookings/")
            self.assertProblem(refused, 429)
            # The first request leaves the window 60 s after it was made: 30 s from here.
            self.assertEqual(refused["Retry-After"], "30")
            clock.shift(dt.timedelta(seconds=31))
            # One place free again (the refusal took none), and only one.
            self.assertEqual(client.get(f"{API}/bookings/").status_code, 200)
            self.assertProblem(client.get(f"{API}/bookings/"), 429)

    def test_each_user_has_her_own_bucket(self) -> None:
        with override_settings(API_THROTTLE_RATES={**RELAXED_RATES, "user": 1}):
            hanako, mei = self.client_for(self.w.hanako.user), self.client_for(self.w.mei.user)
            self.assertEqual(hanako.get(f"{API}/bookings/").status_code, 200)
            self.assertProblem(hanako.get(f"{API}/bookings/"), 429)
            self.assertEqual(mei.get(f"{API}/bookings/").status_code, 200)

    def test_a_hold_checks_its_four_buckets_in_one_round_trip(self) -> None:
        client = self.client_for(self.w.hanako.user)
        rates = {**RELAXED_RATES, "user": 300, "ip": 600, "hold": 20, "hold_ip": 120}
        with override_settings(API_THROTTLE_RATES=rates):
            # The server learns the script on its first use (SCRIPT LOAD), then knows its SHA.
            self.assertEqual(self.hold(client, 10).status_code, 201)
            with commands_sent_to_our_database() as sent:
                self.assertEqual(self.hold(client, 11).status_code, 201)
        throttle_commands = [c for c in sent if c in ("EVALSHA", "EVAL", "GET", "SET", "MGET")]
        self.assertEqual(throttle_commands, ["EVALSHA"], sent)
        # Each of the four buckets counted both holds.
        store = redis.Redis.from_url(REDIS_URL)
        keys = store.keys("*throttle:*:window")
        self.assertEqual(len(keys), 4, keys)
        self.assertEqual({store.zcard(key) for key in keys}, {2})

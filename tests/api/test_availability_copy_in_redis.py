"""The availability API's per-process copies with Redis as the shared cache, as in production
(Redis DB 13): a repeated read is one MGET and no query, a booking's commit ends the copy, and
so does a flushed Redis (the epoch), though the generation starts again from the same number."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
from django.test import override_settings

from scheduling import services
from scheduling.models import AvailabilityRule
from tests.base import redis_or_skip, tokyo

from .helpers import API, ApiTestCase

REDIS_URL = "redis://127.0.0.1:6379/13"  # this test's own Redis database
REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "availability-copy-test",
    }
}
THURSDAY = {"from": "2026-12-03", "to": "2026-12-03"}
TEN = tokyo(2026, 12, 3, 10)


@contextmanager
def commands_sent_to_our_database() -> Iterator[list[str]]:
    sent: list[str] = []
    original = redis.connection.AbstractConnection.send_command

    def spy(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self.db == 13:
            sent.append(str(args[0]).upper())
        return original(self, *args, **kwargs)

    redis.connection.AbstractConnection.send_command = spy  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        redis.connection.AbstractConnection.send_command = original  # type: ignore[method-assign]


@pytest.mark.services
@override_settings(CACHES=REDIS_CACHE, AVAILABILITY_CACHE_SECONDS=5)
class AvailabilityCopyInRedisTest(ApiTestCase):
    def setUp(self) -> None:
        redis_or_skip()
        super().setUp()  # clears the cache: FLUSHDB of DB 13

    def capacity_at_ten(self) -> int:
        response = self.client_for(None).get(
            f"{API}/availability/", {**THURSDAY, "site": self.w.aoto.pk}
        )
        self.assertEqual(response.status_code, 200, response.content[:300])
        return next(
            s["capacity"] for s in response.json()["slots"] if s["start"] == TEN.isoformat()
        )

    def test_a_repeated_read_is_one_mget_and_no_query(self) -> None:
        self.assertEqual(self.capacity_at_ten(), 2)
        with commands_sent_to_our_database() as sent, self.assertNumQueries(0):
            self.assertEqual(self.capacity_at_ten(), 2)
        self.assertEqual(sent, ["MGET"])

    def test_a_booking_that_commits_ends_the_copy(self) -> None:
        self.assertEqual(self.capacity_at_ten(), 2)
        with self.captureOnCommitCallbacks(execute=True):
            services.booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=TEN,
                pregnancy=self.w.hanako_pregnancy,
                actor=self.w.hanako.user,
            )
        self.assertEqual(self.capacity_at_ten(), 1)

    def test_a_flushed_redis_ends_the_copy(self) -> None:
        self.assertEqual(self.capacity_at_ten(), 2)
        AvailabilityRule.objects.filter(nurse=self.w.nurse_kato).delete()  # nobody announces it
        redis.Redis.from_url(REDIS_URL).flushdb()
        self.assertEqual(self.capacity_at_ten(), 1)

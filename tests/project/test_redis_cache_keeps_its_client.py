"""The Redis cache (yurikago/cache.py) makes its redis.Redis client once and keeps it, and works as
Django's does (Redis DB 12, marked services): Django's own made one per operation."""

from __future__ import annotations

import threading

import pytest
import redis
from django.core.cache import caches
from django.test import SimpleTestCase, override_settings

from tests.base import redis_or_skip

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "kept": {
        "BACKEND": "yurikago.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/12",
        "KEY_PREFIX": "kept-client-test",
    },
}


@pytest.mark.services
@override_settings(CACHES=CACHES)
class RedisCacheKeepsItsClientTest(SimpleTestCase):
    def setUp(self) -> None:
        redis_or_skip()
        self.cache = caches["kept"]
        self.cache.clear()
        self.addCleanup(self.cache.clear)

    def test_one_client_serves_every_operation(self) -> None:
        made: list[object] = []
        original = redis.Redis.__init__

        def counting(client: redis.Redis, *args: object, **kwargs: object) -> None:
            made.append(client)
            original(client, *args, **kwargs)  # type: ignore[arg-type]

        redis.Redis.__init__ = counting  # type: ignore[method-assign]
        try:
            self.cache.set("a", 1)
            self.assertEqual(self.cache.get("a"), 1)
            self.assertTrue(self.cache.add("b", 2))
            self.assertFalse(self.cache.add("b", 3))
            self.assertEqual(self.cache.incr("a"), 2)
            self.assertEqual(self.cache.get_many(["a", "b"]), {"a": 2, "b": 2})
        finally:
            redis.Redis.__init__ = original  # type: ignore[method-assign]
        self.assertLessEqual(len(made), 1, "a client was made more than once")

    def test_threads_share_the_client_and_each_sees_its_own_answers(self) -> None:
        errors: list[str] = []

        def work(n: int) -> None:
            for i in range(50):
                self.cache.set(f"t{n}-{i}", (n, i))
                if self.cache.get(f"t{n}-{i}") != (n, i):
                    errors.append(f"thread {n} read another's answer at {i}")

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(errors, [])
        self.assertEqual(self.cache.get("t7-49"), (7, 49))

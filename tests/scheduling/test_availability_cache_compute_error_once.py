"""A computation's own error is not a cache outage (issue 19, fifth round).

`_compute_once` polls the cache while another reader computes, and treats an error of the cache
as an outage: it computes without the cache. Its `try` used to cover the computation too, so a
reader that gave up waiting and then failed to compute (a database error, a bug) logged a cache
outage and computed a second time, failing twice. Now an error of the computation propagates
once, computed once, and nothing is logged as a cache outage; a cache error still falls back."""

from __future__ import annotations

from unittest import mock

from django.core.cache import cache
from django.test import override_settings

from scheduling.availability import cache as availability_cache
from tests.base import BaseTestCase


class Broken(Exception):
    pass


@override_settings(AVAILABILITY_CACHE_SECONDS=5)
class ComputeErrorOnceTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.calls = 0

    def compute(self) -> list[int]:
        self.calls += 1
        raise Broken("the engine failed")

    def compute_once(self) -> list[int]:
        return availability_cache._compute_once("k", ["g"], "0", self.compute)

    def test_after_giving_up_on_the_lock_an_error_propagates_once_computed_once(self) -> None:
        cache.add("k:computing:0", 1, timeout=5)  # another reader computes and never stores
        with (
            mock.patch.object(availability_cache, "FLIGHT_WAIT_SECONDS", 0.05),
            self.assertNoLogs("scheduling.availability.cache", level="WARNING"),
            self.assertRaises(Broken),
        ):
            self.compute_once()
        self.assertEqual(self.calls, 1)

    def test_holding_the_lock_an_error_propagates_once_and_frees_the_lock(self) -> None:
        with (
            self.assertNoLogs("scheduling.availability.cache", level="WARNING"),
            self.assertRaises(Broken),
        ):
            self.compute_once()
        self.assertEqual(self.calls, 1)
        self.assertIsNone(cache.get("k:computing:0"))

    def test_a_cache_error_while_polling_still_computes_without_the_cache(self) -> None:
        with (
            mock.patch.object(cache, "add", side_effect=ConnectionError("redis gone")),
            self.assertLogs("scheduling.availability.cache", level="WARNING"),
        ):
            self.assertEqual(availability_cache._compute_once("k", ["g"], "0", lambda: [1]), [1])

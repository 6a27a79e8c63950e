"""Idempotency-Key on POST /bookings/: one booking per key, whatever the retries."""

from __future__ import annotations

import threading

from django.db import connection
from django.test import TransactionTestCase, override_settings
from rest_framework.test import APIClient

from api.models import IdempotencyKey
from scheduling.models import Booking
from tests.base import NOW, make_world, require_postgres

from .helpers import API, RELAXED_RATES, ApiTestCase, token_for

BODY = {"site": 0, "start": "2026-12-03T10:00:00+09:00"}


class IdempotencyTest(ApiTestCase):
    def post(self, client, key: str, **body):  # type: ignore[no-untyped-def]
        return client.post(
            f"{API}/bookings/",
            {**BODY, "site": self.w.aoto.id, **body},
            format="json",
            HTTP_IDEMPOTENCY_KEY=key,
        )

    def test_the_same_key_and_body_return_the_same_booking_and_status(self) -> None:
        client = self.client_for(self.w.hanako.user)
        first = self.post(client, "k-1")
        again = self.post(client, "k-1")
        self.assertEqual(first.status_code, 201)
        self.assertEqual(again.status_code, 201)
        self.assertEqual(again.json()["reference"], first.json()["reference"])
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(Booking.objects.filter(status="confirmed").count(), 1)

    def test_the_same_key_with_another_body_is_a_422(self) -> None:
        client = self.client_for(self.w.hanako.user)
        self.post(client, "k-2")
        response = self.post(client, "k-2", start="2026-12-03T11:00:00+09:00")
        self.assertProblem(response, 422, "idempotency_key_reused")

    def test_keys_belong_to_one_caller(self) -> None:
        self.assertEqual(self.post(self.client_for(self.w.hanako.user), "same").status_code, 201)
        response = self.post(
            self.client_for(self.w.mei.user), "same", start="2026-12-03T11:00:00+09:00"
        )
        self.assertEqual(response.status_code, 201)
        self.assertEqual(Booking.objects.filter(status="confirmed").count(), 2)

    def test_a_refusal_releases_the_key_for_a_later_retry(self) -> None:
        client = self.client_for(self.w.hanako.user)
        refused = self.post(client, "k-3", start="2026-12-01T10:00:00+09:00")  # inside notice
        self.assertProblem(refused, 422, "outside_window")
        self.assertFalse(IdempotencyKey.objects.filter(key="k-3").exists())

    def test_an_overlong_key_is_a_400(self) -> None:
        response = self.post(self.client_for(self.w.hanako.user), "k" * 300)
        self.assertProblem(response, 400, "invalid_idempotency_key")


@override_settings(API_THROTTLE_RATES=RELAXED_RATES)
class ParallelIdempotencyTest(TransactionTestCase):
    """Ten requests with one key at the same moment, on real connections (PostgreSQL)."""

    def setUp(self) -> None:
        require_postgres()
        import time_machine

        self.w = make_world()
        traveller = time_machine.travel(NOW, tick=True)
        traveller.start()
        self.addCleanup(traveller.stop)
        self.token = token_for(self.w.katsushika)

    def test_ten_parallel_posts_with_one_key_create_one_booking(self) -> None:
        body = {
            "site": self.w.aoto.id,
            "start": "2026-12-03T10:00:00+09:00",
            "pregnancy": self.w.hanako_pregnancy.id,
        }
        barrier = threading.Barrier(10)
        results: list[tuple[int, str]] = []
        lock = threading.Lock()

        def worker() -> None:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.token}")
            try:
                barrier.wait(timeout=10)
                response = client.post(
                    f"{API}/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY="rush-1"
                )
                with lock:
                    results.append(
                        (
                            response.status_code,
                            response.json().get("reference", response.json().get("code")),
                        )
                    )
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(len(results), 10, results)
        self.assertEqual({status for status, _ in results}, {201}, results)
        self.assertEqual(len({ref for _, ref in results}), 1, results)
        self.assertEqual(Booking.objects.filter(pregnancy=self.w.hanako_pregnancy).count(), 1)
        self.assertEqual(IdempotencyKey.objects.count(), 1)

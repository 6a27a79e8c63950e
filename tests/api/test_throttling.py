"""Rate limits: 429 with Retry-After, per user and per address, stricter on holds."""

from __future__ import annotations

from django.test import override_settings

from .helpers import API, RELAXED_RATES, ApiTestCase


class ThrottlingTest(ApiTestCase):
    def hold(self, client):  # type: ignore[no-untyped-def]
        return client.post(
            f"{API}/holds/",
            {"site": self.w.aoto.id, "start": "2026-12-03T10:00:00+09:00"},
            format="json",
        )

    def test_holds_beyond_the_limit_are_429_with_retry_after(self) -> None:
        client = self.client_for(self.w.hanako.user)
        with override_settings(API_THROTTLE_RATES={**RELAXED_RATES, "hold": 2}):
            self.assertEqual(self.hold(client).status_code, 201)
            self.assertEqual(self.hold(client).status_code, 201)
            response = self.hold(client)
        self.assertProblem(response, 429, "throttled")
        self.assertGreaterEqual(int(response["Retry-After"]), 1)
        self.assertLessEqual(int(response["Retry-After"]), 60)

    def test_the_hold_limit_does_not_slow_down_reading(self) -> None:
        client = self.client_for(self.w.hanako.user)
        with override_settings(API_THROTTLE_RATES={**RELAXED_RATES, "hold": 1}):
            self.hold(client)
            self.assertProblem(self.hold(client), 429)
            self.assertEqual(client.get(f"{API}/bookings/").status_code, 200)

    def test_each_user_has_her_own_bucket(self) -> None:
        with override_settings(API_THROTTLE_RATES={**RELAXED_RATES, "user": 1}):
            hanako, mei = self.client_for(self.w.hanako.user), self.client_for(self.w.mei.user)
            self.assertEqual(hanako.get(f"{API}/bookings/").status_code, 200)
            self.assertProblem(hanako.get(f"{API}/bookings/"), 429)
            self.assertEqual(mei.get(f"{API}/bookings/").status_code, 200)

    def test_anonymous_callers_are_limited_by_address(self) -> None:
        with override_settings(API_THROTTLE_RATES={**RELAXED_RATES, "ip": 2}):
            client = self.client_for(None)
            for _ in range(2):
                self.assertEqual(client.get(f"{API}/sites/").status_code, 200)
            self.assertProblem(client.get(f"{API}/sites/"), 429)
            # A forged X-Forwarded-For does not buy a fresh bucket.
            self.assertProblem(client.get(f"{API}/sites/", HTTP_X_FORWARDED_FOR="10.9.8.7"), 429)

"""Finding 5, second half: /login/ told a registered number from an unknown one by timing
(35 ms against 12 ms: a code was written and sent for one, nothing done for the other). Every
request for a code now takes at least LOGIN_CODE_MIN_MS, whether a code went or not, so the
answer's timing says nothing about who has an account."""

from __future__ import annotations

import time

from django.test import Client, override_settings

from tests.base import BaseTestCase

FLOOR_MS = 300


@override_settings(LOGIN_CODE_MIN_MS=FLOOR_MS)
class LoginAnswersInTheSameTimeTest(BaseTestCase):
    def took(self, login: str) -> float:
        started = time.perf_counter()
        response = Client().post("/login/", {"login": login})
        elapsed = time.perf_counter() - started
        self.assertEqual(response.status_code, 302)
        return elapsed

    def test_a_registered_and_an_unknown_number_take_the_same_time(self) -> None:
        self.took("090-9999-0001")  # warm up (templates, first queries)
        registered = [self.took("090-1111-2222") for _ in range(3)]
        unknown = [self.took(f"090-9999-000{i}") for i in range(2, 5)]
        for elapsed in registered + unknown:
            self.assertGreaterEqual(elapsed, FLOOR_MS / 1000)
        # Both sit on the floor: what is left is noise, far below what a code's work costs.
        self.assertLess(abs(min(registered) - min(unknown)), 0.02)

"""The API refuses a no-show before the interview's start time, as the service does."""

from __future__ import annotations

import time_machine

from scheduling.services import booking_create
from tests.base import NOW, tokyo

from .helpers import API, ApiTestCase


class NoShowBeforeStartApiTest(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        self.url = f"{API}/bookings/{booking.reference}/attendance/"

    def post_at(self, hh: int, attended: bool) -> object:
        with time_machine.travel(tokyo(2026, 12, 3, hh), tick=False):
            sato = self.client_for(self.w.nurse_sato.user)  # a session idles out in 30 minutes
            return sato.post(self.url, {"attended": attended}, format="json")

    def test_a_no_show_before_the_start_is_a_problem_not_started(self) -> None:
        body = self.assertProblem(self.post_at(9, attended=False), 422, "not_started")
        self.assertIn("開始時刻", body["detail"])  # in Japanese, the API's default

    def test_a_no_show_after_the_start_is_recorded(self) -> None:
        self.assertEqual(self.post_at(11, attended=False).json()["status"], "no_show")

"""A 母子保健 system keeps in step: `updated_since` lists only what changed, a page at a time by
cursor, so nothing is skipped or repeated while bookings keep changing under it."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import time_machine
from django.utils import timezone

from scheduling.models import Booking
from scheduling.services import booking_cancel, booking_create
from tests.base import NOW, _resident, tokyo

from .helpers import API, ApiTestCase, token_for


class BookingsChangedSinceTest(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client = self.client_for(token_for(self.w.katsushika))
        self.bookings = [
            booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=tokyo(2026, 12, day, 10),
                pregnancy=_resident(
                    self.w.katsushika, f"r{day}@example.jp", f"+8190555500{day:02d}", f"r{day}"
                )[1],
                now=NOW,
            )
            for day in (3, 4, 7, 8, 9)  # weekdays
        ]

    def list(self, **params: str) -> dict:
        response = self.client.get(f"{API}/bookings/", params)
        self.assertEqual(response.status_code, 200, response.content[:300])
        return response.json()

    def test_only_bookings_changed_since_are_listed_cancelled_ones_included(self) -> None:
        # Made at NOW (the clock stands still in tests); one is cancelled five minutes later.
        with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
            cancelled = booking_cancel(booking=self.bookings[3], actor=None, staff=True)
        body = self.list(updated_since=(NOW + dt.timedelta(minutes=1)).isoformat())
        self.assertEqual([b["reference"] for b in body["results"]], [cancelled.reference])
        self.assertEqual(body["results"][0]["status"], "cancelled")
        self.assertIn("updated_at", body["results"][0])

    def test_walking_the_cursor_meets_each_booking_once(self) -> None:
        since = (timezone.now() - dt.timedelta(hours=1)).isoformat()
        seen = self.walk({"updated_since": since, "limit": "2"})
        self.assertEqual(sorted(seen), sorted(b.reference for b in self.bookings))

    def test_a_booking_changed_during_the_walk_comes_again_at_the_end(self) -> None:
        since = (timezone.now() - dt.timedelta(hours=1)).isoformat()
        first = self.list(updated_since=since, limit="2")
        early = first["results"][0]["reference"]
        with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
            booking_cancel(booking=Booking.objects.get(reference=early), actor=None, staff=True)
        seen = [b["reference"] for b in first["results"]]
        seen += self.walk(self.params_of(first["next"]))
        self.assertEqual(seen.count(early), 2)
        self.assertEqual(seen[-1], early)
        self.assertEqual(set(seen), {b.reference for b in self.bookings})

    def test_a_made_up_cursor_is_a_400_problem(self) -> None:
        response = self.client.get(
            f"{API}/bookings/", {"updated_since": NOW.isoformat(), "cursor": "bm9wZQ"}
        )
        self.assertProblem(response, 400)

    def test_without_updated_since_the_list_pages_by_offset_as_before(self) -> None:
        body = self.list(limit="2")
        self.assertEqual(body["count"], 5)
        self.assertIn("offset=2", body["next"])

    def params_of(self, url: str) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}

    def walk(self, params: dict[str, str]) -> list[str]:
        seen: list[str] = []
        for _page in range(20):
            body = self.list(**params)
            seen += [b["reference"] for b in body["results"]]
            if body["next"] is None:
                return seen
            params = self.params_of(body["next"])
        self.fail("the cursor never ended")

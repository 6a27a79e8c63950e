"""A signed-in resident's GET /availability/ without `municipality` (the rush's read, issue 19):
the answer is her municipality's, the same bytes as naming it, so residents of one
municipality share this process's copy (found by her municipality, never by who she is), at
the cost of one small query for her municipality; her own booking shows on her next read;
residents of another municipality, and staff, never get it."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from api import availability_cache
from scheduling import services
from scheduling.models import InterviewType
from tests.api.helpers import API, ApiTestCase
from tests.base import _resident, tokyo

THURSDAY = {"from": "2026-12-03", "to": "2026-12-03"}
TEN = tokyo(2026, 12, 3, 10)
# Her session, then her user with her municipality's code (yurikago/session_user.py).
SIGNED_IN_HIT_QUERIES = 2


@override_settings(AVAILABILITY_CACHE_SECONDS=5)
class SignedInCopiesTest(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.hanako = self.client_for(self.w.hanako.user)
        self.mei = self.client_for(self.w.mei.user)

    def get(self, client: Any, **params: object) -> Any:
        response = client.get(f"{API}/availability/", {**THURSDAY, **params})
        self.assertEqual(response.status_code, 200, response.content[:300])
        return response

    def capacity_at_ten(self, client: Any) -> int:
        slots = self.get(client, site=self.w.aoto.pk).json()["slots"]
        return next((s["capacity"] for s in slots if s["start"] == TEN.isoformat()), 0)

    def test_her_answer_is_the_one_naming_her_municipality(self) -> None:
        named = self.get(self.client_for(None), municipality=self.w.katsushika.code)
        self.assertEqual(self.get(self.hanako).content, named.content)
        self.assertEqual(
            self.get(self.hanako, site=self.w.aoto.pk).json()["municipality"], "katsushika"
        )

    def test_another_resident_of_her_municipality_is_served_the_copy(self) -> None:
        self.get(self.mei, site=self.w.niccowa.pk)  # her session's first request writes it
        first = self.get(self.hanako, site=self.w.aoto.pk)
        with self.assertNumQueries(SIGNED_IN_HIT_QUERIES):
            self.assertEqual(self.get(self.mei, site=self.w.aoto.pk).content, first.content)

    def test_her_own_booking_shows_on_her_next_read(self) -> None:
        self.assertEqual(self.capacity_at_ten(self.hanako), 2)
        self.assertEqual(self.capacity_at_ten(self.mei), 2)
        with self.captureOnCommitCallbacks(execute=True):
            services.booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=TEN,
                pregnancy=self.w.hanako_pregnancy,
                actor=self.w.hanako.user,
            )
        self.assertEqual(self.capacity_at_ten(self.hanako), 1)
        self.assertEqual(self.capacity_at_ten(self.mei), 1)

    def test_a_resident_of_another_municipality_gets_her_own(self) -> None:
        self.get(self.hanako)
        other, _ = _resident(self.w.sakuragawa, "yuki@example.jp", "+819087654329", "Yuki")
        InterviewType.objects.create(
            municipality=self.w.sakuragawa,
            code="sakura",
            name="面接",
            duration_minutes=30,
            slot_step_minutes=30,
            modes=["in_person"],
        )
        answer = self.get(self.client_for(other.user)).json()
        self.assertEqual(answer["municipality"], self.w.sakuragawa.code)

    def test_staff_without_a_municipality_are_answered_afresh(self) -> None:
        availability_cache.clear()
        manager = self.client_for(self.w.manager_mori)
        first = self.get(manager, site=self.w.aoto.pk)
        self.assertEqual(self.get(manager, site=self.w.aoto.pk).content, first.content)
        # Her scope decides her municipality: nothing kept in the process for her.
        self.assertEqual(availability_cache.answers._entries, {})

"""An availability answer served from a process's copy (issue 19) is the uncached answer: the
same bytes (what DRF's JSONRenderer gives for it) and the same headers a client or a proxy reads;
and a caller whose answer depends on who she is never gets another caller's copy."""

from __future__ import annotations

from typing import Any

from django.test import override_settings
from rest_framework.renderers import JSONRenderer

from scheduling.models import InterviewType, User
from tests.api.helpers import API, ApiTestCase

QUERY = {"from": "2026-12-01", "to": "2026-12-31"}
HEADERS = ("Content-Type", "Content-Length", "Vary", "Cache-Control", "Content-Language")


class AvailabilityCopyIsTheSameAnswerTest(ApiTestCase):
    def get(self, who: User | None = None, **params: object) -> Any:
        return self.client_for(who).get(f"{API}/availability/", {**QUERY, **params})

    def test_the_copy_is_byte_for_byte_the_uncached_answer(self) -> None:
        with override_settings(AVAILABILITY_CACHE_SECONDS=0):
            uncached = self.get(site=self.w.aoto.pk)
        with override_settings(AVAILABILITY_CACHE_SECONDS=5):
            computed = self.get(site=self.w.aoto.pk)
            with self.assertNumQueries(0):
                copied = self.get(site=self.w.aoto.pk)
        self.assertGreater(len(uncached.json()["slots"]), 100)
        self.assertEqual(JSONRenderer().render(uncached.json()), uncached.content)
        for response in (computed, copied):
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.content, uncached.content)
            for header in HEADERS:
                self.assertEqual(response.get(header), uncached.get(header), header)
        self.assertEqual(copied["Content-Type"], "application/json")
        self.assertEqual(copied["Cache-Control"], "no-store")

    @override_settings(AVAILABILITY_CACHE_SECONDS=5)
    def test_a_signed_in_caller_of_another_municipality_gets_her_own_answer(self) -> None:
        self.assertEqual(self.get().json()["municipality"], "katsushika")
        # 桜川町 has no interview type yet: her own municipality's answer is a 404.
        self.assertProblem(self.get(self.w.admin_ogawa), 404, "not_found")

    @override_settings(AVAILABILITY_CACHE_SECONDS=5)
    def test_a_named_municipality_is_the_same_answer_for_everyone(self) -> None:
        anonymous = self.get(municipality="katsushika")
        signed_in = self.get(self.w.admin_ogawa, municipality="katsushika")
        self.assertEqual(signed_in.status_code, 200)
        self.assertEqual(signed_in.content, anonymous.content)

    @override_settings(AVAILABILITY_CACHE_SECONDS=5)
    def test_an_empty_municipality_is_hers_and_kept_for_her_alone(self) -> None:
        InterviewType.objects.create(
            municipality=self.w.sakuragawa, code="hajimemashite", name="はじめまして面談"
        )
        # `municipality=` is no municipality: she gets her own, and nobody else gets it.
        self.assertEqual(
            self.get(self.w.admin_ogawa, municipality="").json()["municipality"], "sakuragawa"
        )
        self.assertEqual(self.get(municipality="").json()["municipality"], "katsushika")
        self.assertProblem(self.get(self.w.admin_ogawa, municipality=" "), 400)

    @override_settings(AVAILABILITY_CACHE_SECONDS=5)
    def test_a_refused_question_is_refused_again(self) -> None:
        self.assertProblem(self.get(site="x"), 400)
        self.assertProblem(self.get(site="x"), 400)
        self.assertProblem(self.get(site=self.w.sakuragawa_site.pk), 404, "not_found")
        self.assertProblem(self.get(site=self.w.sakuragawa_site.pk), 404, "not_found")

"""GET /availability/: its query count with and without the micro-cache, and the 404 for a site
that is not the municipality's, which is only checked when the answer is empty."""

from __future__ import annotations

from django.test import override_settings

from tests.api.helpers import API, ApiTestCase
from tests.base import tokyo

THURSDAY = {"from": "2026-12-03", "to": "2026-12-03"}
# Municipality with its default interview type (one query), then the engine's three.
UNCACHED_QUERIES = 1 + 3


class AvailabilityEndpointTest(ApiTestCase):
    def get(self, **params: object):  # type: ignore[no-untyped-def]
        return self.client_for(None).get(f"{API}/availability/", {**THURSDAY, **params})

    def test_it_costs_the_same_queries_for_one_site_or_all(self) -> None:
        with self.assertNumQueries(UNCACHED_QUERIES):
            self.assertEqual(len(self.get(site=self.w.aoto.pk).json()["slots"]), 12)
        with self.assertNumQueries(UNCACHED_QUERIES):
            self.assertGreater(len(self.get().json()["slots"]), 12)

    def test_it_refuses_a_site_of_another_municipality(self) -> None:
        problem = self.assertProblem(self.get(site=self.w.sakuragawa_site.pk), 404, "not_found")
        self.assertEqual(problem["errors"][0]["field"], "/site")

    def test_an_open_site_with_nothing_free_is_an_empty_list_not_a_404(self) -> None:
        response = self.get(site=self.w.aoto.pk, **{"from": "2026-12-05", "to": "2026-12-06"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["slots"], [])

    @override_settings(AVAILABILITY_CACHE_SECONDS=5)
    def test_a_repeated_read_skips_the_engine_until_a_hold_commits(self) -> None:
        first = self.get(site=self.w.aoto.pk)
        # No query: this process keeps the answer under the cache's generation (issue 19).
        with self.assertNumQueries(0):
            self.assertEqual(self.get(site=self.w.aoto.pk).content, first.content)
        resident = self.client_for(self.w.hanako.user)
        with self.captureOnCommitCallbacks(execute=True):
            held = resident.post(
                f"{API}/holds/",
                {"site": self.w.aoto.pk, "start": tokyo(2026, 12, 3, 10).isoformat()},
                format="json",
            )
        self.assertEqual(held.status_code, 201, held.content)
        ten = [s for s in self.get(site=self.w.aoto.pk).json()["slots"] if "T10:00" in s["start"]]
        self.assertEqual(ten[0]["capacity"], 1)

    @override_settings(AVAILABILITY_CACHE_SECONDS=5)
    def test_a_cached_empty_answer_still_refuses_a_foreign_site(self) -> None:
        self.get(site=self.w.sakuragawa_site.pk)
        self.assertProblem(self.get(site=self.w.sakuragawa_site.pk), 404, "not_found")

"""Every API date range is capped, whichever of `from` and `to` is given (finding 9).

`?to=2200-12-31` alone used to skip the 92-day check (the default `from` was filled in after
it), and the utilisation report then computed 174 years of figures (9 s).
"""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.api.helpers import API, ApiTestCase
from tests.staff.helpers import sign_in_with_mfa

FAR = "2200-12-31"


class ApiDateRangesCappedTest(ApiTestCase):
    def manager(self) -> APIClient:
        client = self.client_for(None)
        sign_in_with_mfa(client, self.w.manager_mori)
        return client

    def test_the_utilisation_report_given_a_far_to_alone_reports_that_month_not_174_years(
        self,
    ) -> None:
        response = self.manager().get(f"{API}/reports/utilisation/", {"to": FAR})
        self.assertEqual(response.status_code, 200, response.content[:300])
        self.assertEqual(response.json()["date_from"], "2200-12-01")

    def test_the_utilisation_report_refuses_a_range_over_the_cap(
        self,
    ) -> None:
        body = self.assertProblem(
            self.manager().get(f"{API}/reports/utilisation/", {"from": "2026-12-01", "to": FAR}),
            400,
            "invalid",
        )
        self.assertEqual(body["errors"][0]["field"], "/to")

    def test_the_utilisation_report_for_one_month_given_only_its_last_day(self) -> None:
        response = self.manager().get(f"{API}/reports/utilisation/", {"to": "2026-11-30"})
        self.assertEqual(response.status_code, 200, response.content[:300])
        self.assertEqual(response.json()["date_from"], "2026-11-01")
        self.assertEqual(response.json()["date_to"], "2026-11-30")

    def test_the_utilisation_report_still_accepts_a_range_within_the_cap(self) -> None:
        response = self.manager().get(
            f"{API}/reports/utilisation/", {"from": "2026-10-01", "to": "2026-12-31"}
        )
        self.assertEqual(response.status_code, 200, response.content[:300])

    def test_availability_refuses_a_far_to_without_a_from(self) -> None:
        self.assertProblem(
            self.client_for(None).get(f"{API}/availability/", {"to": FAR}), 400, "invalid"
        )

    def test_a_nurse_schedule_refuses_a_far_to_without_a_from(self) -> None:
        url = f"{API}/nurses/{self.w.nurse_sato.id}/schedule/"
        self.assertProblem(self.manager().get(url, {"to": FAR}), 400, "invalid")

    def test_a_nurse_schedule_with_only_a_from_stays_short(self) -> None:
        url = f"{API}/nurses/{self.w.nurse_sato.id}/schedule/"
        self.assertEqual(self.manager().get(url, {"from": "2026-12-01"}).status_code, 200)

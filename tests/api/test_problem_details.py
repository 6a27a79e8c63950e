"""Every error, whatever raised it, is RFC 9457 problem details with a machine-readable code."""

from __future__ import annotations

from .helpers import API, ApiTestCase, token_for


class ProblemDetailsTest(ApiTestCase):
    def test_an_unknown_path_under_the_api_is_a_problem_not_an_html_page(self) -> None:
        self.assertProblem(self.client_for(None).get("/api/v2/nothing"), 404, "not_found")
        self.assertProblem(self.client_for(None).post(f"{API}/holds"), 404, "not_found")

    def test_a_wrong_method_is_a_405(self) -> None:
        self.assertProblem(
            self.client_for(self.w.hanako.user).put(f"{API}/sites/"), 405, "method_not_allowed"
        )

    def test_anonymous_writes_are_401_with_a_bearer_challenge(self) -> None:
        response = self.client_for(None).post(f"{API}/holds/", {}, format="json")
        self.assertProblem(response, 401, "not_authenticated")
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="api"')

    def test_a_bad_token_is_401(self) -> None:
        self.assertProblem(
            self.client_for("yk_not-a-token").get(f"{API}/bookings/"), 401, "authentication_failed"
        )

    def test_malformed_json_is_a_400(self) -> None:
        response = self.client_for(self.w.hanako.user).post(
            f"{API}/holds/", data=b'{"site": ', content_type="application/json"
        )
        self.assertProblem(response, 400, "parse_error")

    def test_a_form_body_is_a_415(self) -> None:
        response = self.client_for(token_for(self.w.katsushika)).post(
            f"{API}/holds/", data="site=1", content_type="application/x-www-form-urlencoded"
        )
        self.assertProblem(response, 415, "unsupported_media_type")

    def test_field_errors_point_at_each_field(self) -> None:
        response = self.client_for(self.w.hanako.user).post(
            f"{API}/holds/", {"site": "x", "start": "yesterday", "mode": "telepathy"}, format="json"
        )
        body = self.assertProblem(response, 400, "invalid")
        self.assertEqual({e["field"] for e in body["errors"]}, {"/site", "/start", "/mode"})

    def test_query_errors_are_problems_too(self) -> None:
        response = self.client_for(None).get(
            f"{API}/availability/", {"from": "2026-12-10", "to": "2026-12-01"}
        )
        body = self.assertProblem(response, 400, "invalid")
        self.assertEqual(body["errors"][0]["field"], "/to")

    def test_absurd_dates_and_ids_are_refused_cleanly(self) -> None:
        client = self.client_for(token_for(self.w.katsushika))
        self.assertProblem(client.get(f"{API}/availability/", {"from": "9999-12-31"}), 400)
        self.assertProblem(
            client.post(
                f"{API}/holds/", {"site": 1, "start": "9999-12-31T23:59:59-12:00"}, format="json"
            ),
            400,
        )
        self.assertProblem(client.get(f"{API}/nurses/999999999999999999/schedule/"), 404)
        self.assertProblem(client.get(f"{API}/nurses/9999999999999999999999/schedule/"), 404)

    def test_a_service_refusal_keeps_its_code_and_translated_message(self) -> None:
        response = self.client_for(self.w.hanako.user).post(
            f"{API}/holds/",
            {"site": self.w.aoto.id, "start": "2026-11-30T10:00:00+09:00"},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        body = self.assertProblem(response, 422, "in_past")
        self.assertEqual(body["type"], "https://yurikago.example/problems/in-past")

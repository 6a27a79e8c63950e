"""A body over the limit is a 413 problem, not a 500 (finding 9)."""

from __future__ import annotations

from tests.api.helpers import API, ApiTestCase, token_for

TEN_MB = 10 * 1024 * 1024


class ApiBodyTooLargeTest(ApiTestCase):
    def test_a_ten_megabyte_json_body_is_a_413_problem(self) -> None:
        body = b'{"site": 1, "padding": "' + b"x" * TEN_MB + b'"}'
        response = self.client_for(token_for(self.w.katsushika)).post(
            f"{API}/holds/", data=body, content_type="application/json"
        )
        self.assertProblem(response, 413, "request_too_large")

    def test_a_resident_session_meets_the_same_limit(self) -> None:
        body = b"[" + b"1," * (TEN_MB // 2) + b"1]"
        response = self.client_for(self.w.hanako.user).post(
            f"{API}/bookings/", data=body, content_type="application/json"
        )
        self.assertProblem(response, 413, "request_too_large")

    def test_a_body_under_the_limit_is_still_read(self) -> None:
        response = self.client_for(token_for(self.w.katsushika)).post(
            f"{API}/holds/", data=b'{"site": "x"}', content_type="application/json"
        )
        self.assertProblem(response, 400, "invalid")

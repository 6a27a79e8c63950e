"""Absurdly nested JSON is a 400 problem, not a 500 (finding 9)."""

from __future__ import annotations

from tests.api.helpers import API, ApiTestCase, token_for

DEPTH = 100_000


class ApiDeepJsonTest(ApiTestCase):
    def test_a_hundred_thousand_nested_arrays_are_a_400(self) -> None:
        body = b"[" * DEPTH + b"]" * DEPTH
        response = self.client_for(token_for(self.w.katsushika)).post(
            f"{API}/holds/", data=body, content_type="application/json"
        )
        self.assertProblem(response, 400, "parse_error")

    def test_deeply_nested_objects_are_a_400_too(self) -> None:
        body = b'{"a":' * DEPTH + b"1" + b"}" * DEPTH
        response = self.client_for(self.w.hanako.user).post(
            f"{API}/bookings/", data=body, content_type="application/json"
        )
        self.assertProblem(response, 400, "parse_error")

    def test_ordinary_nesting_still_parses(self) -> None:
        response = self.client_for(token_for(self.w.katsushika)).post(
            f"{API}/holds/", data=b'{"site": [[["x"]]]}', content_type="application/json"
        )
        self.assertProblem(response, 400, "invalid")

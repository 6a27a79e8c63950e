"""Helpers for the security suite: API clients for personas, and the problem-details check."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from api.tokens import api_token_create
from scheduling.models import Municipality, User
from tests.base import BaseTestCase

API = "/api/v1"
# No throttling here: only the throttling tests meet a 429.
RELAXED_RATES = {"user": 0, "ip": 0, "hold": 0, "booking": 0, "hold_ip": 0, "booking_ip": 0}


def token_for(municipality: Municipality, name: str = "integration") -> str:
    return api_token_create(municipality=municipality, name=name)[1]


@override_settings(API_THROTTLE_RATES=RELAXED_RATES)
class SecurityTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()

    def client_for(self, who: User | str | None) -> APIClient:
        """A client signed in as a user (session), with a bearer token, or anonymous."""
        client = APIClient()
        if isinstance(who, str):
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {who}")
        elif who is not None:
            client.force_login(who)
        return client

    def assertProblem(self, response: Any, status: int, code: str | None = None) -> dict:
        self.assertEqual(response.status_code, status, getattr(response, "content", b"")[:300])
        self.assertEqual(response["Content-Type"], "application/problem+json")
        body = response.json()
        self.assertEqual(body["status"], status)
        if code is not None:
            self.assertEqual(body["code"], code)
        return body

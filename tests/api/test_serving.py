"""The schema, its docs from our own static files, and the health endpoint."""

from __future__ import annotations

from unittest import mock

from django.test import override_settings

from .helpers import API, ApiTestCase


class ServingTest(ApiTestCase):
    def test_the_openapi_schema_lists_every_resource(self) -> None:
        response = self.client.get(f"{API}/schema/", HTTP_ACCEPT="application/json")
        self.assertEqual(response.status_code, 200)
        paths = response.json()["paths"]
        for path in [
            "/api/v1/sites/",
            "/api/v1/availability/",
            "/api/v1/holds/",
            "/api/v1/holds/{hold_id}/",
            "/api/v1/bookings/",
            "/api/v1/bookings/{reference}/",
            "/api/v1/bookings/{reference}/cancel/",
            "/api/v1/bookings/{reference}/reschedule/",
            "/api/v1/bookings/{reference}/ics",
            "/api/v1/reports/utilisation/",
            "/api/v1/nurses/{nurse_id}/rules/",
            "/api/v1/nurses/{nurse_id}/time-off/",
            "/api/v1/nurses/{nurse_id}/schedule/",
        ]:
            self.assertIn(path, paths)
        self.assertIn("bearerAuth", response.json()["components"]["securitySchemes"])

    def test_the_docs_load_nothing_from_other_hosts(self) -> None:
        for page in ("docs", "redoc"):
            html = self.client.get(f"{API}/{page}/").content.decode()
            self.assertIn("/static/drf_spectacular_sidecar/", html)
            self.assertNotIn("cdn.jsdelivr", html)
            self.assertNotIn("unpkg.com", html)

    def test_health_is_200_when_the_database_answers(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "checks": {"database": "ok"}})

    @override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/7")
    def test_health_is_503_when_the_broker_is_down(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["checks"], {"database": "ok", "broker": "error"})

    def test_health_is_503_when_the_database_is_down(self) -> None:
        from django.db import connection

        with mock.patch.object(connection, "cursor", side_effect=Exception("down")):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)

"""Schemathesis over the live OpenAPI schema: every operation, valid and invalid input, signed in
with a municipality token; no 500, and every response conforms to the schema (status, media
type, body). Runs in the PostgreSQL pass (CI's second run), bounded to a minute or two."""

from __future__ import annotations

import os

import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from scheduling.services import booking_create
from tests.base import NOW, require_postgres, tokyo

from .helpers import ApiTestCase, token_for

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = int(os.getenv("API_FUZZ_EXAMPLES", "12"))


class SchemaFuzzTest(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        require_postgres()
        self.token = token_for(self.w.katsushika)
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )

    def test_every_operation_answers_within_its_schema_and_never_with_a_500(self) -> None:
        # Django's test client keeps the test's connection open across requests by detaching
        # these handlers; schemathesis calls the WSGI app directly, so do the same.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        self.addCleanup(signals.request_started.connect, close_old_connections)
        self.addCleanup(signals.request_finished.connect, close_old_connections)
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
        headers = {"Authorization": f"Bearer {self.token}"}
        operations = [result.ok() for result in schema.get_all_operations()]
        self.assertGreaterEqual(len(operations), 20)
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                with self.subTest(operation=operation.label, mode=mode.value):
                    self._fuzz(operation, mode, headers)

    def _fuzz(self, operation, mode, headers) -> None:  # type: ignore[no-untyped-def]
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case) -> None:  # type: ignore[no-untyped-def]
            # Each example in its own savepoint: what one creates does not steer the next.
            with transaction.atomic():
                case.call_and_validate(headers=headers, checks=CHECKS)
                transaction.set_rollback(True)

        run()

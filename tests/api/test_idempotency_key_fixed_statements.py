"""The Idempotency-Key's claim and completion are two fixed statements (issue 19): a claim of a
key another request holds does nothing (no error, no savepoint, no rollback, which would also
make psycopg forget the connection's prepared statements), and on PostgreSQL both are prepared
once per connection."""

from __future__ import annotations

from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from rest_framework.response import Response

from api import idempotency
from api.models import IdempotencyKey
from tests.base import require_postgres


class FixedKeyStatementsTest(TestCase):
    def test_a_taken_key_is_refused_without_a_savepoint_or_rollback(self) -> None:
        first = idempotency._claim("user:1", "k", "a" * 64)
        self.assertIsNotNone(first)
        with CaptureQueriesContext(connection) as captured:
            self.assertIsNone(idempotency._claim("user:1", "k", "a" * 64))
        self.assertEqual(len(captured), 1, captured.captured_queries)
        self.assertNotIn("SAVEPOINT", captured[0]["sql"])
        # The caller's transaction is still usable.
        self.assertEqual(IdempotencyKey.objects.filter(key="k").count(), 1)
        self.assertIsNotNone(idempotency._claim("user:2", "k", "a" * 64))

    def test_the_answer_is_stored_as_the_model_reads_it(self) -> None:
        row = idempotency._claim("user:1", "k2", "b" * 64)
        assert row is not None
        body = {"reference": "ABCD2345", "list": [1, "二"], "none": None}
        idempotency._complete(row, Response(body, status=201))
        stored = IdempotencyKey.objects.get(pk=row)
        self.assertEqual((stored.status_code, stored.response_body), (201, body))
        self.assertIsNotNone(stored.completed_at)
        self.assertEqual(stored.request_hash, "b" * 64)
        self.assertIsNotNone(stored.created_at)

    def test_both_statements_are_prepared_on_postgresql(self) -> None:
        require_postgres()
        with transaction.atomic():
            row = idempotency._claim("user:1", "k3", "c" * 64)
            assert row is not None
            idempotency._complete(row, Response({}, status=201))
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [s for (s,) in cursor.fetchall() if "api_idempotencykey" in s]
        self.assertEqual(len(prepared), 2, prepared)

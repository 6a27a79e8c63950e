"""The published schema is one a client generator accepts: every operationId once, no warnings
from drf-spectacular while it is built (a collision there was `bookings_retrieve_2`)."""

from __future__ import annotations

from collections import Counter

from django.test import SimpleTestCase
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator


class SchemaOperationIdTest(SimpleTestCase):
    def test_every_operation_id_is_unique_and_the_schema_builds_without_warnings(self) -> None:
        GENERATOR_STATS.reset()
        schema = SchemaGenerator().get_schema(request=None, public=True)
        ids = Counter(
            operation["operationId"]
            for path in schema["paths"].values()
            for operation in path.values()
            if isinstance(operation, dict) and "operationId" in operation
        )
        self.assertGreaterEqual(len(ids), 20)
        self.assertEqual([op for op, n in ids.items() if n > 1], [])
        self.assertFalse(any(op.endswith("_2") for op in ids), sorted(ids))
        self.assertEqual(GENERATOR_STATS._warn_cache, {})
        self.assertEqual(GENERATOR_STATS._error_cache, {})

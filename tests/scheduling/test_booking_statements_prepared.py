"""The booking's statements are prepared once per connection on PostgreSQL (yurikago/db.py).

Django connects with psycopg's prepare_threshold=None, which makes psycopg prepare nothing even
when execute() asks for it: until the fourth round of issue 19 every booking's read and write
were parsed and planned again (the read's planning alone outweighed its execution). Here the
server says what it holds."""

from __future__ import annotations

from django.db import connection
from django.test import override_settings

from scheduling.services import booking_hold
from tests.base import BaseTestCase, tokyo


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


class BookingStatementsPreparedTest(BaseTestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("prepared statements are PostgreSQL's")
        connection.connection.prepare_threshold = None  # as Django connects
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        connection.connection._prepared.clear()

    def test_the_read_and_the_write_are_prepared_once_and_used_again(self) -> None:
        for hour in (10, 11):
            booking_hold(
                site=self.w.aoto, interview_type=self.w.itype, start=tokyo(2026, 12, 8, hour)
            )
        statements = _prepared()
        self.assertEqual(len([s for s in statements if "FOR KEY SHARE" in s]), 1, statements)
        self.assertEqual(len([s for s in statements if "pg_advisory_xact_lock" in s]), 1)
        # The hold's read outside the transaction (its refusal needs none, issue 19).
        self.assertEqual(
            len([s for s in statements if "FOR KEY SHARE" not in s and "'k'" in s]), 1, statements
        )
        # Nothing else: Django's own statements are never prepared.
        self.assertEqual(len(statements), 3, statements)

    @override_settings(DATABASE_PREPARED_STATEMENTS=False)
    def test_nothing_is_prepared_when_turned_off(self) -> None:
        booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=tokyo(2026, 12, 8, 10))
        self.assertEqual(_prepared(), [])

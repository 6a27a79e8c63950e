"""A refused booking keeps the connection's prepared statements (PostgreSQL, issue 19).

psycopg forgets every prepared statement (and sends DEALLOCATE ALL) when the connection rolls
back, even to a savepoint: in a rush, where nine requests in ten are refused, each refusal made
the next booking on that connection parse and plan its read and write again (2-4 ms). A refusal
found by the check (the place full or closed) wrote nothing, so its transaction ends without a
rollback; only a refusal by the constraints, which did try to write, still rolls back."""

from __future__ import annotations

from django.db import connection

from scheduling.services import booking_hold
from tests.base import BaseTestCase, tokyo
from yurikago.errors import DomainError


def _prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


class BookingRefusalKeepsPreparedStatementsTest(BaseTestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("prepared statements are PostgreSQL's")

    def test_a_refusal_by_the_check_does_not_make_the_next_booking_prepare_again(self) -> None:
        booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=tokyo(2026, 12, 8, 10))
        before = _prepared()
        self.assertTrue(before)
        with self.assertRaises(DomainError) as refused:
            # 03:00: no nurse works then.
            booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=tokyo(2026, 12, 8, 3))
        self.assertEqual(refused.exception.code, "slot_unavailable")
        booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=tokyo(2026, 12, 8, 11))
        # The read and the write prepared by the first hold are still there (the refusal's
        # alternatives may prepare the engine's reads beside them); after a DEALLOCATE ALL
        # they would be prepared again under new names.
        self.assertLessEqual(before, _prepared())

"""A refused hold opens no transaction (PostgreSQL, issue 19, seventh round).

In the 09:00 rush nine holds in ten are refused. Each opened a transaction to find that out:
BEGIN, the day's read under the site's share lock (a tuple lock, so a transaction id), COMMIT.
A hold now reads its day first in one statement outside any transaction; a refusal ends there,
with the same answer and the same alternatives, and only a start found free goes on to the
transaction, which checks it again under the lock (the granted hold's one extra read is counted
in tests/scheduling/test_booking_queries.py; the races in test_concurrency_postgres.py)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.models import Booking
from scheduling.services import booking_hold
from tests.base import NOW, BaseTestCase, tokyo
from yurikago.errors import DomainError

TAKEN = tokyo(2026, 12, 8, 10)  # a Tuesday at 青戸: two nurses, two rooms, 09-12 and 13-16


class HoldRefusedWithoutATransactionTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        if connection.vendor != "postgresql":
            self.skipTest("SQLite serialises every writer in one IMMEDIATE transaction")
        for _nurse in range(2):  # both nurses at 10:00: the start is full
            booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=TAKEN, now=NOW)

    def test_a_taken_start_is_refused_by_one_statement_with_its_alternatives(self) -> None:
        with CaptureQueriesContext(connection) as queries, self.assertRaises(DomainError) as no:
            booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=TAKEN, now=NOW)
        self.assertEqual(no.exception.code, "slot_unavailable")
        statements = [q["sql"] for q in queries.captured_queries]
        # The day's read, and nothing else: no savepoint (a transaction inside the test's),
        # no share lock on the site, and the alternatives from that read (5 places left).
        self.assertEqual(len(statements), 1, statements)
        self.assertNotIn("SAVEPOINT", statements[0])
        self.assertNotIn("FOR KEY SHARE", statements[0])
        offered = [a.start for a in no.exception.alternatives]
        self.assertEqual(len(offered), 5)
        self.assertNotIn(TAKEN, offered)
        self.assertEqual(Booking.objects.filter(start=TAKEN).count(), 2)

    def test_a_start_no_nurse_works_is_refused_the_same_way(self) -> None:
        with CaptureQueriesContext(connection) as queries, self.assertRaises(DomainError) as no:
            booking_hold(
                site=self.w.aoto, interview_type=self.w.itype, start=tokyo(2026, 12, 8, 3), now=NOW
            )
        self.assertEqual(no.exception.code, "slot_unavailable")
        self.assertNotIn("SAVEPOINT", " ".join(q["sql"] for q in queries.captured_queries))

    def test_a_free_start_is_held_after_the_check_under_the_lock(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            held = booking_hold(
                site=self.w.aoto, interview_type=self.w.itype, start=tokyo(2026, 12, 8, 11), now=NOW
            )
        self.assertEqual(held.status, Booking.Status.HELD)
        statements = [q["sql"] for q in queries.captured_queries]
        # The read outside, then the transaction's read under the site's share lock, the write.
        self.assertNotIn("FOR KEY SHARE", statements[0])
        self.assertTrue(any("FOR KEY SHARE NOWAIT" in s for s in statements[1:]), statements)

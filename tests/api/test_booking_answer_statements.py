"""What the API adds to a booking's own statements (issue 19, the 09:00 rush), run as a request
runs: in autocommit, not inside a test's transaction. Its Idempotency-Key is one INSERT and one
UPDATE, and the booking is not read again after its commit; the answer is still exactly what
reading the booking back gives."""

from __future__ import annotations

from django.db import connection
from django.test import TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.base import NOW, make_world
from tests.staff.helpers import sign_in_with_mfa

from .helpers import API, RELAXED_RATES

START = "2026-12-03T10:00:00+09:00"


@override_settings(API_THROTTLE_RATES=RELAXED_RATES)
class BookingAnswerStatementsTest(TransactionTestCase):
    def setUp(self) -> None:
        import time_machine

        self.w = make_world()
        traveller = time_machine.travel(NOW, tick=True)
        traveller.start()
        self.addCleanup(traveller.stop)
        self.hanako = APIClient()
        sign_in_with_mfa(self.hanako, self.w.hanako.user)

    def book_with_key(self, body: dict) -> tuple[dict, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            response = self.hanako.post(
                f"{API}/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
            )
        self.assertEqual(response.status_code, 201, response.content)
        # A prepared statement is logged as "QUERY = '<sql>' - PARAMS = ..." (yurikago.db).
        return response.json(), [q["sql"].removeprefix("QUERY = '") for q in captured]

    def test_her_idempotency_key_is_one_insert_and_one_update(self) -> None:
        _, statements = self.book_with_key({"site": self.w.aoto.id, "start": START})
        on_keys = [i for i, sql in enumerate(statements) if "api_idempotencykey" in sql]
        self.assertEqual(len(on_keys), 2, statements)
        insert, update = (statements[i] for i in on_keys)
        self.assertTrue(insert.startswith("INSERT"), insert)
        self.assertTrue(update.startswith("UPDATE"), update)
        # The INSERT commits alone: no transaction or savepoint opened around it.
        before = statements[on_keys[0] - 1]
        self.assertFalse(before.startswith(("BEGIN", "SAVEPOINT")), before)
        self.assertFalse(statements[on_keys[0] + 1].startswith(("COMMIT", "RELEASE")))

    def test_a_confirmed_hold_is_not_read_again_after_its_commit(self) -> None:
        hold = self.hanako.post(
            f"{API}/holds/", {"site": self.w.aoto.id, "start": START}, format="json"
        ).json()
        answer, statements = self.book_with_key({"hold": hold["id"]})
        last_commit = max(i for i, sql in enumerate(statements) if sql.startswith("COMMIT"))
        # (The test settings dispatch her confirmation in process on commit: its own reads.)
        rereads = [
            sql
            for sql in statements[last_commit + 1 :]
            if sql.startswith("SELECT") and 'FROM "scheduling_booking"' in sql
        ]
        self.assertEqual(rereads, [])
        self.assertEqual(answer, self.read_back(answer["reference"]))

    def test_a_direct_booking_answers_what_reading_it_back_gives(self) -> None:
        answer, _ = self.book_with_key({"site": self.w.aoto.id, "start": START})
        self.assertEqual(answer["status"], "confirmed")
        self.assertEqual(answer["start"], START)
        self.assertEqual(answer, self.read_back(answer["reference"]))

    def read_back(self, reference: str) -> dict:
        response = self.hanako.get(f"{API}/bookings/{reference}/")
        self.assertEqual(response.status_code, 200)
        return response.json()

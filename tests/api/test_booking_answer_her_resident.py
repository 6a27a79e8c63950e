"""Confirming her hold does not read her resident row again (issue 19, the 09:00 rush): her
scope read it with her user, and her pregnancy carries it to the service, which reads her
channels (SMS number, email) from it."""

from __future__ import annotations

from django.db import connection
from django.test import TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from notifications.models import Message
from tests.base import NOW, make_world
from tests.staff.helpers import sign_in_with_mfa

from .helpers import API, RELAXED_RATES

START = "2026-12-03T10:00:00+09:00"


@override_settings(API_THROTTLE_RATES=RELAXED_RATES)
class BookingHerResidentTest(TransactionTestCase):
    def setUp(self) -> None:
        import time_machine

        self.w = make_world()
        traveller = time_machine.travel(NOW, tick=True)
        traveller.start()
        self.addCleanup(traveller.stop)
        self.hanako = APIClient()
        sign_in_with_mfa(self.hanako, self.w.hanako.user)

    def test_her_resident_row_is_read_once(self) -> None:
        hold = self.hanako.post(
            f"{API}/holds/", {"site": self.w.aoto.id, "start": START}, format="json"
        ).json()
        with CaptureQueriesContext(connection) as captured:
            response = self.hanako.post(
                f"{API}/bookings/", {"hold": hold["id"]}, format="json", HTTP_IDEMPOTENCY_KEY="k"
            )
        self.assertEqual(response.status_code, 201, response.content)
        # A prepared statement is logged as "QUERY = '<sql>' - PARAMS = ..." (yurikago.db).
        statements = [q["sql"].removeprefix("QUERY = '") for q in captured]
        reads = [
            sql
            for sql in statements
            if sql.startswith("SELECT")
            and any(
                f"{how} {table}" in sql
                for how in ("FROM", "JOIN")
                for table in ('"scheduling_resident"', "scheduling_resident")
            )
        ]
        # Her user's one statement (her user, her resident row, "any staff rows?"; see
        # yurikago/session_user.py), nothing more.
        self.assertEqual(len(reads), 1, reads)
        self.assertIn('FROM "scheduling_user" u LEFT JOIN "scheduling_resident"', reads[0])
        # Her messages still go to her number, read from that row.
        sms = Message.objects.filter(booking__reference=response.json()["reference"])
        self.assertEqual(
            set(sms.values_list("recipient", flat=True)), {self.w.hanako.phone}, list(sms.values())
        )

"""A resident confirming her hold without naming the pregnancy (the 09:00 rush's second request):
the hold, with its site, municipality and type, and her ongoing pregnancy come from ONE statement
(issue 19, sixth round: two ORM reads before); who may confirm which hold is decided as before."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.models import Booking, Pregnancy
from scheduling.selectors import pregnancy_current
from tests.base import NOW

from .helpers import API, ApiTestCase

THURSDAY_10 = "2026-12-03T10:00:00+09:00"


class HoldAndHerPregnancyInOneStatementTest(ApiTestCase):
    def _hold(self, client) -> str:
        response = client.post(
            f"{API}/holds/", {"site": self.w.aoto.id, "start": THURSDAY_10}, format="json"
        )
        self.assertEqual(response.status_code, 201, response.content)
        return str(response.json()["id"])

    def test_her_hold_and_her_pregnancy_are_one_read(self) -> None:
        client = self.client_for(self.w.hanako.user)
        hold = self._hold(client)
        with CaptureQueriesContext(connection) as seen:
            response = client.post(f"{API}/bookings/", {"hold": hold}, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        booking = Booking.objects.get(reference=hold)
        self.assertEqual(booking.pregnancy, self.w.hanako_pregnancy)
        self.assertEqual(booking.status, Booking.Status.CONFIRMED)
        pregnancy_reads = [
            q["sql"] for q in seen.captured_queries if "scheduling_pregnancy" in q["sql"]
        ]
        self.assertEqual(len(pregnancy_reads), 1, pregnancy_reads)
        self.assertIn("scheduling_booking", pregnancy_reads[0])

    def test_her_newest_active_pregnancy_is_the_one_booked(self) -> None:
        # As selectors.pregnancy_current: an inactive one is never taken, the newest active is.
        Pregnancy.objects.filter(pk=self.w.hanako_pregnancy.pk).update(
            created_at=NOW - dt.timedelta(days=300)
        )
        newer = Pregnancy.objects.create(resident=self.w.hanako, due_date=dt.date(2027, 9, 1))
        Pregnancy.objects.filter(pk=newer.pk).update(created_at=NOW - dt.timedelta(days=2))
        closed = Pregnancy.objects.create(
            resident=self.w.hanako, due_date=dt.date(2027, 10, 1), is_active=False
        )
        Pregnancy.objects.filter(pk=closed.pk).update(created_at=NOW - dt.timedelta(days=1))
        self.assertEqual(pregnancy_current(self.w.hanako), newer)
        client = self.client_for(self.w.hanako.user)
        hold = self._hold(client)
        response = client.post(f"{API}/bookings/", {"hold": hold}, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(Booking.objects.get(reference=hold).pregnancy_id, newer.pk)

    def test_another_residents_hold_is_a_404(self) -> None:
        hold = self._hold(self.client_for(self.w.hanako.user))
        response = self.client_for(self.w.mei.user).post(
            f"{API}/bookings/", {"hold": hold}, format="json"
        )
        self.assertEqual(response.status_code, 404, response.content)
        self.assertEqual(Booking.objects.get(reference=hold).status, Booking.Status.HELD)

    def test_no_ongoing_pregnancy_asks_which(self) -> None:
        client = self.client_for(self.w.hanako.user)
        hold = self._hold(client)
        Pregnancy.objects.filter(resident=self.w.hanako).update(is_active=False)
        response = client.post(f"{API}/bookings/", {"hold": hold}, format="json")
        self.assertEqual(response.status_code, 400, response.content)
        self.assertEqual(Booking.objects.get(reference=hold).status, Booking.Status.HELD)

    def test_a_reference_with_dashes_and_lower_case_is_her_hold(self) -> None:
        client = self.client_for(self.w.hanako.user)
        hold = self._hold(client)
        asked = "-".join([hold[:4].lower(), hold[4:]])
        response = client.post(f"{API}/bookings/", {"hold": asked}, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["reference"], hold)

"""Home-visit requests racing for one block on PostgreSQL: 20 threads, one connection each,
released together. The block's row lock (select_for_update) serialises them, so exactly its
capacity get in, the others get a clean slot_unavailable; the same pregnancy and contact asked
for from 20 threads at once gets exactly one visit (the partial unique constraint backs the
service's check). PostgreSQL only: SQLite serialises every write transaction."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from scheduling.contact_models import Contact
from scheduling.home_visit_models import District, HomeVisit, VisitBlock
from scheduling.home_visit_services import (
    district_import,
    home_visit_request,
    resident_address_save,
)
from scheduling.models import Pregnancy, Resident, User
from tests.base import PostgresRaceTestCase
from tests.contacts.helpers import katsushika_contacts
from tests.contacts.test_home_visits import CSV, THURSDAY
from tests.scheduling.test_concurrency_postgres import THREADS, race


class HomeVisitRaceTests(PostgresRaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.contact = katsushika_contacts(self.w).late_visit
        district_import(municipality=self.w.katsushika, text=CSV)
        self.block = VisitBlock.objects.create(
            nurse=self.w.nurse_sato,
            district=District.objects.get(code="aoto-1"),
            date=THURSDAY,
            start_time=dt.time(9),
            end_time=dt.time(12),
            capacity=3,
            visit_minutes=40,
            travel_minutes=30,
        )

    def _pregnancy(self, i: int) -> Pregnancy:
        user = User.objects.create_user(email=f"visit{i}@example.jp")
        resident = Resident.objects.create(
            user=user, municipality=self.w.katsushika, name=f"visit {i}"
        )
        resident_address_save(resident=resident, postcode="124-0012", town="青戸四丁目")
        return Pregnancy.objects.create(resident=resident, due_date=dt.date(2027, 2, 1))

    def _ask(self, pregnancy_id: int) -> Callable[[], object]:
        contact_id = self.contact.pk

        def attempt() -> HomeVisit:
            return home_visit_request(
                pregnancy=Pregnancy.objects.select_related("resident__municipality").get(
                    pk=pregnancy_id
                ),
                contact=Contact.objects.get(pk=contact_id),
                date=THURSDAY,
                half="am",
            )

        return attempt

    def test_twenty_residents_racing_for_three_places_leave_three_visits(self) -> None:
        pregnancies = [self._pregnancy(i) for i in range(THREADS)]
        outcomes = Counter(race([self._ask(p.pk) for p in pregnancies]))
        self.assertEqual(outcomes, {"ok": 3, "slot_unavailable": THREADS - 3})
        self.assertEqual(HomeVisit.objects.filter(block=self.block).count(), 3)

    def test_one_pregnancy_asking_twenty_times_at_once_gets_one_visit(self) -> None:
        pregnancy = self._pregnancy(0)
        outcomes = Counter(race([self._ask(pregnancy.pk) for _ in range(THREADS)]))
        self.assertEqual(outcomes, {"ok": 1, "already_booked": THREADS - 1})
        self.assertEqual(HomeVisit.objects.filter(pregnancy=pregnancy).count(), 1)

"""The end of a pregnancy reaches her home visits too: a miscarriage cancels a visit asked for or
timed, with its time message not yet sent; a birth cancels a late-pregnancy visit as not needed
but leaves nothing else."""

from __future__ import annotations

import datetime as dt

from notifications.models import Message
from scheduling.contact_services import pregnancy_record_end
from scheduling.home_visit_models import District, HomeVisit, VisitBlock
from scheduling.home_visit_services import (
    district_import,
    home_visit_confirm,
    home_visit_request,
    resident_address_save,
)
from tests.base import BaseTestCase, tokyo
from tests.contacts.helpers import katsushika_contacts

CSV = (
    "district_code,district_name,town,nurse_emails\n"
    "aoto-1,青戸第一地区,青戸四丁目,sato@katsushika.example\n"
)
THURSDAY = dt.date(2026, 12, 3)


class PregnancyEndClosesHomeVisitsTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.contacts = katsushika_contacts(self.w)
        district_import(municipality=self.w.katsushika, text=CSV)
        VisitBlock.objects.create(
            nurse=self.w.nurse_sato,
            district=District.objects.get(code="aoto-1"),
            date=THURSDAY,
            start_time=dt.time(9),
            end_time=dt.time(12),
            capacity=3,
            visit_minutes=40,
            travel_minutes=30,
        )
        self.pregnancy = self.w.hanako_pregnancy
        resident_address_save(
            resident=self.pregnancy.resident, postcode="124-0012", town="青戸四丁目", building=""
        )
        self.visit = home_visit_request(
            pregnancy=self.pregnancy, contact=self.contacts.late_visit, date=THURSDAY, half="am"
        )

    def test_a_miscarriage_cancels_her_timed_visit_and_its_unsent_time(self) -> None:
        home_visit_confirm(visit=self.visit, start=tokyo(2026, 12, 3, 10))
        Message.objects.filter(purpose="visit_time").update(status=Message.Status.PENDING)
        pregnancy_record_end(
            pregnancy=self.pregnancy, outcome="miscarriage", on=dt.date(2026, 11, 30)
        )
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.status, HomeVisit.Status.CANCELLED)
        self.assertFalse(
            Message.objects.filter(purpose="visit_time", status=Message.Status.PENDING).exists()
        )

    def test_a_birth_cancels_the_late_pregnancy_visit_it_makes_moot(self) -> None:
        pregnancy_record_end(
            pregnancy=self.pregnancy, outcome="birth", on=dt.date(2026, 11, 30), babies=1
        )
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.status, HomeVisit.Status.CANCELLED)

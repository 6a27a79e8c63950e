"""Retention (APPI) reaches issue 15's details: when she is purged, her address for home visits
goes and what staff recorded at each contact keeps its status and date but not the outcome,
reason or private notes; her home visits stay as rows (counts), with no address left to them."""

from __future__ import annotations

import datetime as dt

from scheduling.contact_models import PregnancyContact
from scheduling.home_visit_models import ResidentAddress
from scheduling.home_visit_services import resident_address_save
from scheduling.retention import retention_purge
from tests.base import NOW, BaseTestCase
from tests.contacts.helpers import katsushika_contacts

LATER = NOW + dt.timedelta(days=400)


class RetentionOfContactDetailsTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.w.katsushika.retention_days = 365
        self.w.katsushika.save()
        contacts = katsushika_contacts(self.w)
        resident_address_save(
            resident=self.w.hanako, postcode="124-0012", town="青戸四丁目", building="201"
        )
        PregnancyContact.objects.create(
            pregnancy=self.w.hanako_pregnancy,
            contact=contacts.first,
            status="done",
            done_on=dt.date(2026, 11, 30),
            done_by=self.w.nurse_sato,
            outcome="要支援: 産後うつリスク",
            reason="",
            staff_notes="夫の協力なし",
        )

    def test_her_address_and_the_recorded_outcomes_and_notes_go(self) -> None:
        retention_purge(municipality=self.w.katsushika, now=LATER)
        self.assertFalse(ResidentAddress.objects.filter(resident=self.w.hanako).exists())
        record = PregnancyContact.objects.get(pregnancy=self.w.hanako_pregnancy)
        self.assertEqual((record.status, record.done_on), ("done", dt.date(2026, 11, 30)))
        self.assertEqual((record.outcome, record.reason, record.staff_notes), ("", "", ""))

"""The minimal staff form to record a birth (or a miscarriage or stillbirth): an administrator of
her municipality records it; another municipality's administrator gets a 404."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from scheduling.contacts import DUE, pregnancy_contacts
from tests.contacts.helpers import katsushika_contacts
from tests.staff.helpers import StaffTestCase


class StaffRecordPregnancyEndTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.contacts = katsushika_contacts(self.w)
        self.url = reverse("staff:pregnancy_end", args=[self.w.hanako_pregnancy.pk])

    def test_an_administrator_records_a_birth_of_twins(self) -> None:
        self.sign_in(self.w.admin_abe)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        response = self.client.post(self.url, {"outcome": "birth", "on": "2026-11-28", "babies": 2})
        self.assertRedirects(
            response,
            reverse("staff:timeline", args=[self.w.hanako_pregnancy.pk]),
            fetch_redirect_response=False,
        )
        pregnancy = self.w.hanako_pregnancy
        pregnancy.refresh_from_db()
        self.assertEqual((pregnancy.outcome, pregnancy.babies), ("birth", 2))
        self.assertEqual(pregnancy.ended_on, dt.date(2026, 11, 28))
        statuses = {line.contact.code: line.status for line in pregnancy_contacts(pregnancy)}
        self.assertEqual(statuses["baby-visit"], DUE)

    def test_a_birth_without_the_number_of_babies_is_refused_next_to_the_field(self) -> None:
        self.sign_in(self.w.admin_abe)
        response = self.client.post(
            self.url, {"outcome": "birth", "on": "2026-11-28"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        self.assertContains(response, "Enter the number of babies", status_code=422)

    def test_another_municipalitys_administrator_gets_a_404(self) -> None:
        self.sign_in(self.w.admin_ogawa)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        response = self.client.post(self.url, {"outcome": "miscarriage", "on": "2026-11-28"})
        self.assertEqual(response.status_code, 404)
        self.w.hanako_pregnancy.refresh_from_db()
        self.assertEqual(self.w.hanako_pregnancy.outcome, "")

"""Staff on the phone arrange a home visit from the pregnancy timeline: her address, then a
morning or afternoon; the timeline shows it as booked with its district."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from scheduling.home_visit_models import District, HomeVisit, ResidentAddress, VisitBlock
from scheduling.home_visit_services import district_import
from tests.contacts.helpers import katsushika_contacts
from tests.contacts.test_home_visits import CSV, THURSDAY
from tests.staff.helpers import StaffTestCase


class StaffArrangeHomeVisitTests(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        w = self.w
        self.contact = katsushika_contacts(w).late_visit
        district_import(municipality=w.katsushika, text=CSV)
        VisitBlock.objects.create(
            nurse=w.nurse_sato,
            district=District.objects.get(code="aoto-1"),
            date=THURSDAY,
            start_time=dt.time(13),
            end_time=dt.time(16),
        )
        self.pregnancy = w.hanako_pregnancy
        self.url = reverse("staff:visit_arrange", args=[self.pregnancy.pk, self.contact.pk])
        self.p = f"v{self.contact.pk}-"

    def _post(self, **fields: str) -> None:
        data = {
            self.p + "postcode": "１２４－００１２",
            self.p + "town": "青戸五丁目",
            self.p + "building": "",
            self.p + "date": THURSDAY.isoformat(),
            self.p + "half": "pm",
        }
        data.update({self.p + k: v for k, v in fields.items()})
        self.assertEqual(self.client.post(self.url, data).status_code, 302)

    def test_an_administrator_arranges_an_afternoon_visit_on_the_phone(self) -> None:
        self.sign_in(self.w.admin_abe)
        self._post()
        visit = HomeVisit.objects.get(pregnancy=self.pregnancy)
        self.assertEqual((visit.half, visit.by_staff, visit.status), ("pm", True, "requested"))
        self.assertEqual(ResidentAddress.objects.get(resident=self.w.hanako).postcode, "124-0012")
        page = self.client.get(reverse("staff:timeline", args=[self.pregnancy.pk]))
        rows = {e.contact.code: e for e in page.context["entries"]}
        self.assertEqual(rows["late-visit"].status, "booked")
        self.assertContains(page, "青戸第一地区")

    def test_a_morning_without_a_block_is_refused_but_her_address_is_kept(self) -> None:
        self.sign_in(self.w.admin_abe)
        self._post(half="am")
        self.assertFalse(HomeVisit.objects.exists())
        self.assertTrue(ResidentAddress.objects.filter(resident=self.w.hanako).exists())

    def test_another_municipalitys_administrator_gets_a_404(self) -> None:
        self.sign_in(self.w.admin_ogawa)
        response = self.client.post(self.url, {})
        self.assertEqual(response.status_code, 404)

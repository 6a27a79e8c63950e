"""The district nurse's day of home visits: route order, address and map link, confirming a time
(she is told), and nobody else's visits."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from notifications.models import Message
from scheduling.home_visit_models import District, HomeVisit, VisitBlock
from scheduling.home_visit_services import (
    district_import,
    home_visit_confirm,
    home_visit_request,
    resident_address_save,
)
from scheduling.models import AccessLog
from tests.base import tokyo
from tests.contacts.helpers import katsushika_contacts
from tests.contacts.test_home_visits import CSV, THURSDAY
from tests.staff.helpers import StaffTestCase


class NurseVisitsPageTests(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        w = self.w
        contact = katsushika_contacts(w).late_visit
        district_import(municipality=w.katsushika, text=CSV)
        self.block = VisitBlock.objects.create(
            nurse=w.nurse_sato,
            district=District.objects.get(code="aoto-1"),
            date=THURSDAY,
            start_time=dt.time(9),
            end_time=dt.time(12),
            capacity=3,
            visit_minutes=40,
            travel_minutes=30,
        )
        resident_address_save(
            resident=w.hanako, postcode="124-0012", town="青戸四丁目", building="コーポ青戸201"
        )
        resident_address_save(resident=w.mei, postcode="124-0012", town="青戸五丁目")
        self.first = home_visit_request(
            pregnancy=w.hanako_pregnancy, contact=contact, date=THURSDAY, half="am"
        )
        self.second = home_visit_request(
            pregnancy=w.mei_pregnancy, contact=contact, date=THURSDAY, half="am"
        )
        # Mei's visit is timed first, so it leads the route though it was asked for later.
        home_visit_confirm(visit=self.second, start=tokyo(2026, 12, 3, 9))
        self.url = reverse("staff:visits") + "?date=2026-12-03"

    def test_her_day_lists_the_visits_in_route_order_with_address_and_map_link(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        stops = [s.visit.pk for s in response.context["blocks"][0].stops]
        self.assertEqual(stops, [self.second.pk, self.first.pk])
        html = response.content.decode()
        self.assertIn("〒124-0012 青戸四丁目 コーポ青戸201", html)
        self.assertIn("https://www.google.com/maps/search/?api=1&amp;query=", html)
        self.assertNotIn("%E3%82%B3%E3%83%BC%E3%83%9D", html)  # the building stays off the link
        self.assertEqual(AccessLog.objects.filter(action="visits").count(), 2)

    def test_she_confirms_a_time_and_the_resident_is_told(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        url = reverse("staff:visit_confirm", args=[self.first.pk])
        self.assertEqual(self.client.post(url, {"time": "10:10"}).status_code, 302)
        self.first.refresh_from_db()
        self.assertEqual(self.first.status, HomeVisit.Status.CONFIRMED)
        self.assertEqual(self.first.start, tokyo(2026, 12, 3, 10, 10))
        self.assertEqual(
            Message.objects.filter(purpose="visit_time", recipient=self.w.hanako.phone).count(), 1
        )

    def test_her_day_loads_in_two_queries_whatever_its_visits(self) -> None:
        from scheduling.home_visit_selectors import visit_day

        with self.assertNumQueries(2):  # blocks (with district and nurse), visits (with her)
            blocks = visit_day(VisitBlock.objects.all(), THURSDAY)
            stops = [
                (s.visit.pregnancy.resident.name, s.address, s.map_url) for s in blocks[0].stops
            ]
        self.assertEqual(len(stops), 2)

    def test_a_time_too_close_to_the_other_visit_is_refused(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        url = reverse("staff:visit_confirm", args=[self.first.pk])
        self.client.post(url, {"time": "09:50"})  # 9:40 + 30 minutes' travel = 10:10 at best
        self.first.refresh_from_db()
        self.assertEqual(self.first.status, HomeVisit.Status.REQUESTED)

    def test_a_nurse_of_another_district_sees_nothing_and_cannot_confirm(self) -> None:
        self.sign_in(self.w.nurse_ito.user)
        self.assertEqual(list(self.client.get(self.url).context["blocks"]), [])
        url = reverse("staff:visit_confirm", args=[self.first.pk])
        self.assertEqual(self.client.post(url, {"time": "10:10"}).status_code, 404)

    def test_another_municipalitys_administrator_gets_a_404(self) -> None:
        self.sign_in(self.w.admin_ogawa)
        url = reverse("staff:visit_confirm", args=[self.first.pk])
        self.assertEqual(self.client.post(url, {"time": "10:10"}).status_code, 404)


class VisitBlocksInHerScheduleTests(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        district_import(municipality=self.w.katsushika, text=CSV)
        self.district = District.objects.get(code="aoto-1")
        self.key = f"{self.w.nurse_sato.pk}-{self.district.pk}"

    def _add(self, **fields: str) -> None:
        data = {
            "assignment": self.key,
            "date": "2026-12-04",
            "start_time": "13:00",
            "end_time": "16:00",
            "capacity": "3",
            "visit_minutes": "45",
            "travel_minutes": "15",
            **fields,
        }
        self.client.post(reverse("staff:visit_block_add"), data)

    def test_a_nurse_adds_a_block_in_her_district_and_it_shows_on_her_day(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        self._add()
        block = VisitBlock.objects.get(nurse=self.w.nurse_sato)
        self.assertEqual((block.capacity, block.visit_minutes, block.travel_minutes), (3, 45, 15))
        page = self.client.get(reverse("staff:visits") + "?date=2026-12-04")
        self.assertEqual([b.block for b in page.context["blocks"]], [block])

    def test_an_overlapping_block_is_refused(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        self._add()
        self._add(start_time="15:00", end_time="17:00")
        self.assertEqual(VisitBlock.objects.count(), 1)

    def test_a_nurse_of_another_district_cannot_add_one_for_her(self) -> None:
        self.sign_in(self.w.nurse_ito.user)
        self._add()
        self.assertFalse(VisitBlock.objects.exists())

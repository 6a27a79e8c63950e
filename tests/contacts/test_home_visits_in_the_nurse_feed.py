"""A nurse's secret feed shows her confirmed home visits as "訪問 (district)" at their time,
and never the address, her name or her phone; a new visit changes the feed's ETag."""

from __future__ import annotations

import datetime as dt

from scheduling.calendars.services import nurse_feed_rotate
from scheduling.home_visit_models import District, VisitBlock
from scheduling.home_visit_services import (
    district_import,
    home_visit_confirm,
    home_visit_request,
    resident_address_save,
)
from tests.base import BaseTestCase, tokyo
from tests.contacts.helpers import katsushika_contacts
from tests.contacts.test_home_visits import CSV, THURSDAY


class HomeVisitsInTheNurseFeedTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        w = self.w
        district_import(municipality=w.katsushika, text=CSV)
        VisitBlock.objects.create(
            nurse=w.nurse_sato,
            district=District.objects.get(code="aoto-1"),
            date=THURSDAY,
            start_time=dt.time(9),
            end_time=dt.time(12),
        )
        resident_address_save(
            resident=w.hanako, postcode="124-0012", town="青戸四丁目", building="コーポ青戸201"
        )
        self.visit = home_visit_request(
            pregnancy=w.hanako_pregnancy,
            contact=katsushika_contacts(w).late_visit,
            date=THURSDAY,
            half="am",
        )
        self.url = f"/calendar/nurse/{nurse_feed_rotate(nurse=w.nurse_sato)}.ics"

    def test_a_confirmed_visit_shows_as_a_visit_in_her_district_and_nothing_of_her(self) -> None:
        before = self.client.get(self.url)
        self.assertNotIn("visit-", before.content.decode())  # not timed yet
        home_visit_confirm(visit=self.visit, start=tokyo(2026, 12, 3, 10))
        after = self.client.get(self.url)
        self.assertNotEqual(before["ETag"], after["ETag"])
        body = after.content.decode()
        self.assertIn("SUMMARY:訪問 (青戸第一地区)", body)
        self.assertIn("DTSTART:20261203T010000Z", body)
        hanako = self.w.hanako
        for private in ("青戸四丁目", "124-0012", "コーポ", hanako.name, hanako.phone, "090"):
            self.assertNotIn(private, body)

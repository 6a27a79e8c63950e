"""She asks for a home visit herself from /bookings/: her address, a day and a morning or an
afternoon; the page then says when it is asked for, and later its time."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from scheduling.home_visit_models import District, HomeVisit, ResidentAddress, VisitBlock
from scheduling.home_visit_services import district_import, home_visit_confirm
from tests.base import BaseTestCase, tokyo
from tests.contacts.helpers import katsushika_contacts
from tests.contacts.test_home_visits import CSV, THURSDAY


class ResidentAsksForAHomeVisitTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        w = self.w
        self.contact = katsushika_contacts(w).late_visit
        district_import(municipality=w.katsushika, text=CSV)
        VisitBlock.objects.create(
            nurse=w.nurse_sato,
            district=District.objects.get(code="aoto-1"),
            date=THURSDAY,
            start_time=dt.time(9),
            end_time=dt.time(12),
        )
        # Due 2027-02-01: weeks 28–36 run from 2026-11-16 to 2027-01-17, so the visit is due.
        w.hanako_pregnancy.due_date = dt.date(2027, 2, 1)
        w.hanako_pregnancy.save()
        self.client.force_login(w.hanako.user)
        self.url = reverse("frontend:home_visit", args=[self.contact.code])

    def _post(self, **fields: str):  # type: ignore[no-untyped-def]
        data = {
            "postcode": "124-0012",
            "town": "青戸四丁目",
            "building": "",
            "date": THURSDAY.isoformat(),
            "half": "am",
            **fields,
        }
        return self.client.post(self.url, data, HTTP_ACCEPT_LANGUAGE="en")

    def test_her_bookings_page_offers_the_visit_when_it_is_due(self) -> None:
        page = self.client.get(reverse("frontend:my_bookings"), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, self.url)

    def test_she_asks_for_a_morning_and_is_told_the_time_will_follow(self) -> None:
        response = self._post()
        self.assertEqual(response.status_code, 302)
        visit = HomeVisit.objects.get(pregnancy=self.w.hanako_pregnancy)
        self.assertEqual((visit.half, visit.by_staff), ("am", False))
        self.assertEqual(ResidentAddress.objects.get(resident=self.w.hanako).town, "青戸四丁目")
        page = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, "We will send you the time.")
        home_visit_confirm(visit=visit, start=tokyo(2026, 12, 3, 10, 30))
        page = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, "10:30")

    def test_an_afternoon_with_no_block_shows_the_reason_next_to_the_form(self) -> None:
        response = self._post(half="pm")
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "No visits are left on that half-day", status_code=422)
        self.assertFalse(HomeVisit.objects.exists())

    def test_a_town_outside_every_district_asks_her_to_call(self) -> None:
        response = self._post(town="金町一丁目")
        self.assertContains(response, "Please call us", status_code=422)

    def test_another_residents_contact_code_or_an_interview_is_a_404(self) -> None:
        self.assertEqual(
            self.client.get(reverse("frontend:home_visit", args=["nope"])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("frontend:home_visit", args=["yurikago"])).status_code, 404
        )

    def test_the_page_speaks_every_shipped_language(self) -> None:
        from django.conf import settings

        english = ("Ask for a home visit", "Postcode", "Morning", "Your address", "Half day")
        for code, _name in settings.LANGUAGES:
            if code == "en":
                continue
            with self.subTest(language=code):
                self.client.cookies.load({settings.LANGUAGE_COOKIE_NAME: code})
                page = self.client.get(self.url).content.decode()
                for text in english:
                    self.assertNotIn(text, page)
                self.assertIn('lang="', page)
        self.assertIn("가정 방문 신청", page if code == "ko" else self._page_in("ko"))

    def _page_in(self, code: str) -> str:
        from django.conf import settings

        self.client.cookies.load({settings.LANGUAGE_COOKIE_NAME: code})
        return self.client.get(self.url).content.decode()

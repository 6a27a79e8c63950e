"""API v1 for contacts (issue 15): the municipality's contacts and a pregnancy's timeline for
staff sessions and staff tokens (404 for another municipality's pregnancy, 403/401 for
residents and strangers); booking any contact through the existing endpoints (`contact`)."""

from __future__ import annotations

import datetime as dt

from scheduling.models import AccessLog, Booking
from scheduling.services import booking_create
from tests.api.helpers import API, ApiTestCase, token_for
from tests.base import tokyo
from tests.contacts.helpers import katsushika_contacts, remote_hours, remote_interview_contact


class ApiContactsTest(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.contacts = katsushika_contacts(self.w)
        self.remote = remote_interview_contact(self.w)
        remote_hours(self.w)
        self.pregnancy = self.w.hanako_pregnancy
        self.pregnancy.due_date = dt.date(2027, 2, 16)  # week 29 now
        self.pregnancy.save()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.pregnancy,
        )

    def test_staff_list_their_municipalitys_contacts(self) -> None:
        body = self.client_for(self.w.admin_abe).get(f"{API}/contacts/").json()
        self.assertEqual(
            [(c["code"], c["kind"], c["interview_type"]) for c in body],
            [
                ("yurikago", "site_interview", "yurikago"),
                ("questionnaire-8m", "questionnaire", None),
                ("interview-8m", "remote_interview", "remote-8m"),
                ("late-visit", "home_visit", None),
                ("baby-visit", "home_visit", None),
            ],
        )

    def test_a_token_reads_the_contacts_and_another_municipality_sees_none_of_them(self) -> None:
        self.assertEqual(
            len(self.client_for(token_for(self.w.katsushika)).get(f"{API}/contacts/").json()), 5
        )
        self.assertEqual(self.client_for(self.w.admin_ogawa).get(f"{API}/contacts/").json(), [])

    def test_a_resident_may_not_list_them(self) -> None:
        response = self.client_for(self.w.hanako.user).get(f"{API}/contacts/")
        self.assertProblem(response, 403)

    def test_the_timeline_says_where_each_contact_stands_and_is_access_logged(self) -> None:
        response = self.client_for(self.w.admin_abe).get(
            f"{API}/pregnancies/{self.pregnancy.pk}/timeline/"
        )
        self.assertEqual(response.status_code, 200)
        statuses = {c["code"]: (c["status"], c["booking"]) for c in response.json()["contacts"]}
        self.assertEqual(statuses["yurikago"], ("booked", self.booking.reference))
        self.assertEqual(statuses["interview-8m"], ("due", None))
        self.assertEqual(statuses["baby-visit"], ("not_yet", None))
        self.assertTrue(
            AccessLog.objects.filter(
                user=self.w.admin_abe, resident=self.w.hanako, action="timeline"
            ).exists()
        )

    def test_another_municipalitys_pregnancy_timeline_is_a_404(self) -> None:
        response = self.client_for(self.w.admin_ogawa).get(
            f"{API}/pregnancies/{self.pregnancy.pk}/timeline/"
        )
        self.assertProblem(response, 404)

    def test_a_token_books_the_8th_month_remote_interview_by_its_contact(self) -> None:
        response = self.client_for(token_for(self.w.katsushika)).post(
            f"{API}/bookings/",
            {
                "site": self.w.aoto.pk,
                "start": tokyo(2026, 12, 5, 9).isoformat(),
                "mode": "phone",
                "contact": self.remote.pk,
                "pregnancy": self.pregnancy.pk,
            },
            format="json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["contact"], self.remote.pk)
        self.assertEqual(response.json()["interview_type"], "remote-8m")
        self.assertEqual(Booking.objects.active().filter(pregnancy=self.pregnancy).count(), 2)

    def test_a_second_booking_for_the_same_contact_is_a_409(self) -> None:
        response = self.client_for(token_for(self.w.katsushika)).post(
            f"{API}/bookings/",
            {
                "site": self.w.aoto.pk,
                "start": tokyo(2026, 12, 4, 10).isoformat(),
                "contact": self.contacts.first.pk,
                "pregnancy": self.pregnancy.pk,
            },
            format="json",
        )
        self.assertProblem(response, 409, "already_booked")

    def test_a_contact_that_is_not_booked_or_not_hers_is_a_404(self) -> None:
        for contact in (self.contacts.questionnaire.pk, 999999):
            response = self.client_for(token_for(self.w.katsushika)).post(
                f"{API}/holds/",
                {
                    "site": self.w.aoto.pk,
                    "start": tokyo(2026, 12, 4, 10).isoformat(),
                    "contact": contact,
                },
                format="json",
            )
            self.assertProblem(response, 404, "not_found")

"""A nurse sets her remote hours herself on her weekly-hours page (issue 15): a "remote
(video/phone)" checkbox per range, shown on the week; the API takes the same flag. Turning
hours remote strands the in-person interviews in them (asked first, as any change)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from rest_framework.test import APIClient

from scheduling.models import AvailabilityRule, TimeOff
from scheduling.services import booking_create
from tests.base import tokyo
from tests.staff.helpers import StaffTestCase, sign_in_with_mfa


class RemoteHoursOnTheWeeklyPageTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.kato = self.w.nurse_kato
        self.sign_in(self.kato.user)

    def test_she_adds_remote_evening_hours_and_sees_them_marked(self) -> None:
        response = self.client.post(
            reverse("staff:rule_create"),
            {
                "site": self.w.aoto.pk,
                "weekdays": ["0", "2"],
                "start_time": "17:00",
                "end_time": "19:00",
                "valid_from": "2026-12-01",
                "remote": "on",
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:400])
        rules = AvailabilityRule.objects.filter(nurse=self.kato, start_time=dt.time(17))
        self.assertEqual(sorted(r.weekday for r in rules), [0, 2])
        self.assertTrue(all(r.remote for r in rules))
        page = self.client.get(reverse("staff:availability"), HTTP_ACCEPT_LANGUAGE="ja")
        self.assertContains(page, 'name="remote"')
        self.assertContains(page, "オンライン（ビデオ・電話）", count=3)  # the checkbox, two ranges

    def test_she_turns_hours_remote_and_in_person_bookings_are_asked_about(self) -> None:
        rule = AvailabilityRule.objects.get(
            nurse=self.kato, site=self.w.aoto, weekday=3, start_time=dt.time(9)
        )
        TimeOff.objects.create(  # so the engine gives the interview to 加藤
            nurse=self.w.nurse_sato, start=tokyo(2026, 12, 10, 9), end=tokyo(2026, 12, 10, 12)
        )
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 10, 10),
            pregnancy=self.w.hanako_pregnancy,
        )
        self.assertEqual(booking.nurse_id, self.kato.pk)
        url = reverse("staff:rule_edit", args=[rule.pk])
        page = self.client.get(url)
        self.assertContains(page, 'name="remote"')
        data = {
            "weekdays": "3",
            "start_time": "09:00",
            "end_time": "12:00",
            "valid_from": "2026-01-01",
            "remote": "on",
        }
        self.assertEqual(self.client.post(url, data).status_code, 409)
        data["confirm_stranded"] = "on"
        self.assertEqual(self.client.post(url, data).status_code, 302)
        now = AvailabilityRule.objects.filter(
            nurse=self.kato, weekday=3, start_time=dt.time(9)
        ).exclude(valid_to__lt=dt.date(2026, 12, 1))
        self.assertEqual([r.remote for r in now], [True])

    def test_the_api_takes_the_flag(self) -> None:
        client = APIClient()
        sign_in_with_mfa(client, self.kato.user)  # as she signs in: password + TOTP
        response = client.post(
            f"/api/v1/nurses/{self.kato.pk}/rules/",
            {
                "site": self.w.aoto.pk,
                "weekday": 5,
                "start_time": "09:00",
                "end_time": "12:00",
                "valid_from": "2026-12-01",
                "remote": True,
            },
            format="json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertTrue(response.json()["remote"])
        self.assertTrue(AvailabilityRule.objects.get(pk=response.json()["id"]).remote)

"""Staff: weekly rules and time off (CRUD), a nurse's schedule, attendance, utilisation."""

from __future__ import annotations

import time_machine

from scheduling.models import AvailabilityRule, TimeOff
from scheduling.services import booking_create
from tests.base import NOW, tokyo

from .helpers import API, ApiTestCase


class StaffEndpointsTest(ApiTestCase):
    def test_a_manager_adds_changes_and_removes_a_weekly_rule(self) -> None:
        mori, sato = self.client_for(self.w.manager_mori), self.w.nurse_sato.id
        created = mori.post(
            f"{API}/nurses/{sato}/rules/",
            {
                "site": self.w.aoto.id,
                "weekday": 5,
                "start_time": "09:00",
                "end_time": "12:00",
                "valid_from": "2026-12-01",
            },
            format="json",
        )
        self.assertEqual(created.status_code, 201, created.content)
        rule = created.json()["id"]
        patched = mori.patch(
            f"{API}/nurses/{sato}/rules/{rule}/", {"end_time": "11:00"}, format="json"
        )
        self.assertEqual(patched.json()["end_time"], "11:00:00")
        self.assertEqual(mori.delete(f"{API}/nurses/{sato}/rules/{rule}/").status_code, 204)
        self.assertFalse(AvailabilityRule.objects.filter(pk=rule).exists())

    def test_a_rule_must_be_at_one_of_her_sites_and_end_after_it_starts(self) -> None:
        mori = self.client_for(self.w.manager_mori)
        response = mori.post(
            f"{API}/nurses/{self.w.nurse_sato.id}/rules/",
            {
                "site": self.w.niccowa.id,
                "weekday": 1,
                "start_time": "12:00",
                "end_time": "09:00",
                "valid_from": "2026-12-01",
            },
            format="json",
        )
        body = self.assertProblem(response, 400, "invalid")
        self.assertEqual({e["field"] for e in body["errors"]}, {"/site"})

    def test_a_nurse_records_her_own_time_off(self) -> None:
        sato = self.client_for(self.w.nurse_sato.user)
        response = sato.post(
            f"{API}/nurses/{self.w.nurse_sato.id}/time-off/",
            {
                "start": "2026-12-07T09:00:00+09:00",
                "end": "2026-12-07T12:00:00+09:00",
                "reason": "研修",
            },
            format="json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["start"], "2026-12-07T09:00:00+09:00")
        self.assertEqual(TimeOff.objects.get().nurse, self.w.nurse_sato)
        self.assertProblem(
            sato.post(
                f"{API}/nurses/{self.w.nurse_sato.id}/time-off/",
                {"start": "2026-12-07T12:00:00+09:00", "end": "2026-12-07T09:00:00+09:00"},
                format="json",
            ),
            400,
            "invalid",
        )

    def test_her_schedule_lists_her_interviews_in_a_fixed_number_of_queries(self) -> None:
        for pregnancy, hour in ((self.w.hanako_pregnancy, 10), (self.w.mei_pregnancy, 11)):
            booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=tokyo(2026, 12, 3, hour),
                pregnancy=pregnancy,
                now=NOW,
            )
        mori = self.client_for(self.w.manager_mori)
        mori.get(f"{API}/nurses/")
        nurse_ids = {self.w.nurse_sato.id, self.w.nurse_kato.id}
        total = 0
        for nurse in nurse_ids:
            with self.assertNumQueries(10):
                total += len(mori.get(f"{API}/nurses/{nurse}/schedule/").json())
        self.assertEqual(total, 2)

    def test_staff_mark_attendance_on_the_day(self) -> None:
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        sato = self.client_for(self.w.nurse_sato.user)
        url = f"{API}/bookings/{booking.reference}/attendance/"
        self.assertProblem(sato.post(url, {"attended": True}, format="json"), 409, "invalid_state")
        self.traveller.stop()
        with time_machine.travel(tokyo(2026, 12, 3, 11), tick=False):
            sato = self.client_for(self.w.nurse_sato.user)  # a session idles out in 30 minutes
            response = sato.post(url, {"attended": False}, format="json")
        self.traveller.start()
        self.assertEqual(response.json()["status"], "no_show")

    def test_utilisation_as_json_and_as_csv_for_excel(self) -> None:
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        mori = self.client_for(self.w.manager_mori)
        body = mori.get(f"{API}/reports/utilisation/").json()
        self.assertEqual([row["site"] for row in body["sites"]], [self.w.aoto.id])
        self.assertEqual(body["sites"][0]["booked_slots"], 1)
        self.assertEqual(body["date_from"], "2026-12-01")
        self.assertEqual(body["date_to"], "2026-12-31")
        csv = mori.get(f"{API}/reports/utilisation/", HTTP_ACCEPT="text/csv")
        self.assertEqual(csv.status_code, 200)
        self.assertTrue(csv["Content-Type"].startswith("text/csv"))
        self.assertTrue(csv.content.startswith(b"\xef\xbb\xbf"))
        self.assertIn("青戸保健センター", csv.content.decode("utf-8-sig"))
        bad = mori.get(
            f"{API}/reports/utilisation/", {"site": self.w.niccowa.id}, HTTP_ACCEPT="text/csv"
        )
        self.assertProblem(bad, 404)

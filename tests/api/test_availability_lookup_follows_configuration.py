"""The municipality and its default interview type, kept per process for the availability API
(issue 19), follow a configuration change: a change made through the configuration services or
the admin reaches the next read in every process (it bumps the availability generation at
commit); one nobody announces reaches it within AVAILABILITY_CACHE_SECONDS, as the slots do."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from scheduling.admin import MunicipalityAdmin
from scheduling.config_services import interview_type_update
from scheduling.models import InterviewType, Municipality
from tests.api.helpers import API, ApiTestCase
from tests.base import NOW

THURSDAY = {"from": "2026-12-03", "to": "2026-12-03"}
FRIDAY = {"from": "2026-12-04", "to": "2026-12-04"}


@override_settings(AVAILABILITY_CACHE_SECONDS=5)
class AvailabilityLookupFollowsConfigurationTest(ApiTestCase):
    def get(self, day: dict[str, str]) -> Any:
        return self.client_for(None).get(f"{API}/availability/", {**day, "site": self.w.aoto.pk})

    def minutes_of_first_slot(self, day: dict[str, str]) -> int:
        slot = self.get(day).json()["slots"][0]
        start, end = (dt.datetime.fromisoformat(slot[k]) for k in ("start", "end"))
        return int((end - start).total_seconds() // 60)

    def test_another_question_in_the_same_generation_skips_the_lookup(self) -> None:
        with CaptureQueriesContext(connection) as first:
            self.assertEqual(self.get(THURSDAY).status_code, 200)
        with self.assertNumQueries(len(first) - 1):  # the engine's reads, not the lookup
            self.assertEqual(self.get(FRIDAY).status_code, 200)

    def test_an_interview_type_changed_by_the_service_reaches_the_next_read(self) -> None:
        self.assertEqual(self.minutes_of_first_slot(THURSDAY), 30)
        with self.captureOnCommitCallbacks(execute=True):
            interview_type_update(
                interview_type=InterviewType.objects.get(pk=self.w.itype.pk),
                changes={"duration_minutes": 60},
                actor=self.w.admin_abe,
            )
        self.assertEqual(self.minutes_of_first_slot(FRIDAY), 60)

    def test_a_municipality_closed_in_the_admin_is_gone_on_the_next_read(self) -> None:
        self.assertEqual(self.get(THURSDAY).status_code, 200)
        katsushika = Municipality.objects.get(pk=self.w.katsushika.pk)
        katsushika.is_active = False
        request = RequestFactory().post("/admin/")
        request.user = self.w.admin_abe
        with self.captureOnCommitCallbacks(execute=True):
            MunicipalityAdmin(Municipality, admin.site).save_model(
                request, katsushika, form=None, change=True
            )
        self.assertEqual(self.get(FRIDAY).status_code, 404)

    def test_a_change_nobody_announces_reaches_it_within_the_cache_seconds(self) -> None:
        self.assertEqual(self.minutes_of_first_slot(THURSDAY), 30)
        InterviewType.objects.filter(pk=self.w.itype.pk).update(duration_minutes=60)
        with time_machine.travel(NOW + dt.timedelta(seconds=4.9), tick=False):
            self.assertEqual(self.minutes_of_first_slot(FRIDAY), 30)
        with time_machine.travel(NOW + dt.timedelta(seconds=5), tick=False):
            self.assertEqual(
                self.minutes_of_first_slot({"from": "2026-12-07", "to": "2026-12-07"}), 60
            )

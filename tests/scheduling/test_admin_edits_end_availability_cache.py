"""An edit in the Django admin that changes open slots ends the availability micro-cache when it
commits, exactly as the services' writes do: residents never see the old answer for the cache's
few seconds after an administrator closed a morning or removed a nurse's hours."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from scheduling.availability import open_slots_cached
from scheduling.models import AvailabilityRule, User
from tests.base import BaseTestCase, tokyo
from tests.staff.helpers import sign_in_with_mfa

THURSDAY = dt.date(2026, 12, 3)  # 青戸: nurse_sato and nurse_kato, two rooms
TEN = tokyo(2026, 12, 3, 10)


@override_settings(AVAILABILITY_CACHE_SECONDS=60)
class AdminEditsEndAvailabilityCacheTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        root = User.objects.create_superuser(email="root@example.jp", password="x")
        sign_in_with_mfa(self.client, root)  # the admin needs password + TOTP

    def capacity_at_ten(self) -> int:
        slots = open_slots_cached(
            municipality=self.w.katsushika,
            interview_type=self.w.itype,
            date_from=THURSDAY,
            date_to=THURSDAY,
            site_ids=[self.w.aoto.id],
        )
        return next((s.capacity for s in slots if s.start == TEN), 0)

    def kato_thursday_morning(self) -> AvailabilityRule:
        return AvailabilityRule.objects.get(
            nurse=self.w.nurse_kato,
            site=self.w.aoto,
            weekday=THURSDAY.weekday(),
            start_time__hour=9,
        )

    def test_deleting_a_nurses_hours_in_the_admin_shows_at_once(self) -> None:
        self.assertEqual(self.capacity_at_ten(), 2)
        rule = self.kato_thursday_morning()
        url = reverse("admin:scheduling_availabilityrule_delete", args=[rule.pk])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.capacity_at_ten(), 1)

    def test_a_bulk_delete_from_the_list_shows_at_once(self) -> None:
        self.assertEqual(self.capacity_at_ten(), 2)
        rule = self.kato_thursday_morning()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("admin:scheduling_availabilityrule_changelist"),
                {"action": "delete_selected", "_selected_action": [rule.pk], "post": "yes"},
            )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.capacity_at_ten(), 1)

    def test_closing_the_site_in_the_admin_shows_at_once(self) -> None:
        self.assertEqual(self.capacity_at_ten(), 2)
        url = reverse("admin:scheduling_siteclosure_add")
        form = {
            "municipality": self.w.katsushika.pk,
            "site": self.w.aoto.pk,
            "date_from": THURSDAY.isoformat(),
            "date_to": THURSDAY.isoformat(),
            "reason": "設備点検",
        }
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, form)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.capacity_at_ten(), 0)

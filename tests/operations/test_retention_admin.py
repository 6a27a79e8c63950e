"""The Django admin shows each municipality's retention period and what the next purge would
anonymise (counts only, read-only)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from scheduling.models import Resident, User
from tests.base import BaseTestCase
from tests.staff.helpers import sign_in_with_mfa


class RetentionAdminTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.w.katsushika.retention_days = 30
        self.w.katsushika.save()
        # Hanako registered two months ago and never booked: due.
        Resident.objects.filter(pk=self.w.hanako.pk).update(
            created_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
        )
        root = User.objects.create_superuser(email="root@example.jp", password="x")
        sign_in_with_mfa(self.client, root)

    def test_the_municipality_list_shows_the_period_and_what_is_due(self) -> None:
        response = self.client.get(reverse("admin:scheduling_municipality_changelist"))
        self.assertContains(response, "住民 1")
        self.assertContains(response, "30")

    def test_the_change_page_shows_the_counts_read_only(self) -> None:
        response = self.client.get(
            reverse("admin:scheduling_municipality_change", args=[self.w.katsushika.pk])
        )
        self.assertContains(response, 'name="retention_days"')
        self.assertContains(response, "住民 1")
        self.assertNotContains(response, 'name="retention_due"')

    def test_a_municipality_without_a_period_says_so(self) -> None:
        response = self.client.get(
            reverse("admin:scheduling_municipality_change", args=[self.w.sakuragawa.pk])
        )
        self.assertContains(response, "保存期間が未設定です")

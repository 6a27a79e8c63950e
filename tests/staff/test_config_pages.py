"""A municipality administrator configures her municipality's sites, closures, interview types."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from scheduling.models import SiteClosure
from tests.staff.helpers import StaffTestCase


class ConfigPagesTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sign_in(self.w.admin_abe)

    def test_she_adds_and_removes_a_closure_for_one_site(self) -> None:
        self.client.post(
            reverse("staff:closure_create"),
            {
                "site": self.w.aoto.pk,
                "date_from": "2026-12-24",
                "date_to": "2026-12-25",
                "reason": "設備点検",
            },
        )
        closure = SiteClosure.objects.get(site=self.w.aoto)
        self.assertEqual(
            (closure.date_from, closure.municipality), (dt.date(2026, 12, 24), self.w.katsushika)
        )
        self.client.post(reverse("staff:closure_delete", args=[closure.pk]))
        self.assertFalse(SiteClosure.objects.exists())

    def test_she_cannot_close_another_municipalitys_site(self) -> None:
        response = self.client.post(
            reverse("staff:closure_create"),
            {"site": self.w.sakuragawa_site.pk, "date_from": "2026-12-24", "date_to": "2026-12-25"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(SiteClosure.objects.exists())

    def test_she_edits_a_site(self) -> None:
        url = reverse("staff:site_edit", args=[self.w.aoto.pk])
        form = self.client.get(url).context["form"]
        data = {k: v for k, v in form.initial.items() if v is not None}
        data.update(
            {"rooms": 3, "open_weekdays": ["0", "1", "2", "3", "4"], "modes": ["in_person"]}
        )
        data["closed_on_public_holidays"] = "on"
        data["is_active"] = "on"
        response = self.client.post(url, data)
        self.assertEqual(
            response.status_code,
            302,
            getattr(response, "context", None) and response.context["form"].errors,
        )
        self.w.aoto.refresh_from_db()
        self.assertEqual(self.w.aoto.rooms, 3)

    def test_a_bad_value_is_shown_next_to_the_field(self) -> None:
        url = reverse("staff:type_edit", args=[self.w.itype.pk])
        response = self.client.post(url, {"name": "", "duration_minutes": "-5"})
        self.assertEqual(response.status_code, 422)

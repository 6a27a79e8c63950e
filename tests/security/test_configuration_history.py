"""Configuration changes keep their history (django-simple-history), and a municipality's
administrators read their own municipality's history on a staff page (finding 11)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from notifications.text_services import message_text_save
from scheduling.config_services import closure_create, closure_delete, site_update
from scheduling.models import AvailabilityRule, InterviewType, Site, SiteClosure
from tests.staff.helpers import StaffTestCase

HISTORY = "/staff/config/history/"


class ConfigurationHistoryTest(StaffTestCase):
    def test_each_configuration_model_keeps_its_history(self) -> None:
        for model in (Site, SiteClosure, InterviewType, AvailabilityRule):
            self.assertTrue(hasattr(model, "history"), model.__name__)
        site_update(site=self.w.aoto, changes={"rooms": 5}, actor=self.w.admin_abe)
        rooms = list(self.w.aoto.history.order_by("history_id").values_list("rooms", flat=True))
        self.assertEqual(rooms[-1], 5)

    def test_an_edit_on_the_staff_pages_records_who_made_it(self) -> None:
        self.sign_in(self.w.admin_abe)
        self.client.post(
            reverse("staff:closure_create"),
            {"site": self.w.aoto.pk, "date_from": "2026-12-24", "date_to": "2026-12-25"},
        )
        record = SiteClosure.history.latest("history_id")
        self.assertEqual((record.history_type, record.history_user), ("+", self.w.admin_abe))

    def test_a_deleted_closure_stays_in_the_history(self) -> None:
        closure = closure_create(
            municipality=self.w.katsushika,
            site=None,
            date_from=dt.date(2026, 12, 29),
            date_to=dt.date(2027, 1, 3),
            reason="年末年始",
            actor=self.w.admin_abe,
        )
        pk = closure.pk
        closure_delete(closure=closure, actor=self.w.admin_abe)
        kinds = list(
            SiteClosure.history.filter(id=pk)
            .order_by("history_id")
            .values_list("history_type", flat=True)
        )
        self.assertEqual(kinds, ["+", "-"])

    def test_message_texts_keep_their_history(self) -> None:
        from notifications.models import MessageText

        self.assertTrue(hasattr(MessageText, "history"))
        text = message_text_save(
            municipality=self.w.katsushika,
            channel="sms",
            purpose="confirmation",
            language="ja",
            subject="",
            body="{{ municipality }}の予約を受け付けました。{{ reference }}",
            actor=self.w.admin_abe,
        )
        self.assertEqual(text.history.count(), 1)

    def test_her_page_lists_her_municipalitys_changes_only(self) -> None:
        site_update(site=self.w.aoto, changes={"rooms": 5}, actor=self.w.admin_abe)
        site_update(site=self.w.sakuragawa_site, changes={"name": "桜川町役場分室"}, actor=None)
        self.sign_in(self.w.admin_abe)
        response = self.client.get(HISTORY, HTTP_ACCEPT_LANGUAGE="ja")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.w.aoto.name)
        self.assertContains(response, self.w.admin_abe.email)
        self.assertNotContains(response, "桜川町役場分室")

    def test_the_other_municipalitys_administrator_sees_only_hers(self) -> None:
        site_update(site=self.w.aoto, changes={"rooms": 5}, actor=self.w.admin_abe)
        self.sign_in(self.w.admin_ogawa)
        response = self.client.get(HISTORY)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, self.w.aoto.name)

    def test_nurses_and_managers_do_not_get_the_page(self) -> None:
        for user in (self.w.nurse_sato.user, self.w.manager_mori):
            self.sign_in(user)
            self.assertEqual(self.client.get(HISTORY).status_code, 404)

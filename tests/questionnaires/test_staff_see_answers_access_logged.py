"""Her sent answers appear on the pregnancy timeline and on the nurse's day (with the flags
marked); each staff view of them is in the access log. A draft stays hers."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling.models import AccessLog
from scheduling.questionnaires import Given, questionnaire_response_save
from scheduling.services import booking_create
from tests.base import NOW, tokyo
from tests.staff.helpers import StaffTestCase

from .helpers import eighth_month_sheet, send

ACTION = "questionnaire answers"


class StaffSeeAnswersAccessLoggedTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.s = eighth_month_sheet(self.w)
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 2, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        self.booking.nurse = self.w.nurse_sato
        self.booking.save()

    def logged(self, user: object) -> int:
        return AccessLog.objects.filter(user=user, action=ACTION, resident=self.w.hanako).count()

    def test_the_timeline_shows_the_answers_with_the_flag_and_logs_it(self) -> None:
        send(self.s, self.w.hanako_pregnancy, flagged=True, what="夜眠れません")
        self.sign_in(self.w.admin_abe)
        page = self.client.get(
            reverse("staff:timeline", args=[self.w.hanako_pregnancy.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
        self.assertContains(page, "Questionnaire answers")
        self.assertContains(page, "夜眠れません")
        self.assertContains(page, "⚑ はい")
        self.assertEqual(self.logged(self.w.admin_abe), 1)

    def test_the_day_view_shows_them_beside_her_interview_and_logs_it(self) -> None:
        send(self.s, self.w.hanako_pregnancy, flagged=True, what="夜眠れません")
        self.sign_in(self.w.nurse_sato.user)
        page = self.client.get(reverse("staff:day") + "?date=2026-12-02")
        self.assertContains(page, "夜眠れません")
        self.assertEqual(self.logged(self.w.nurse_sato.user), 1)

    def test_a_draft_is_not_shown_and_nothing_is_logged_for_it(self) -> None:
        questionnaire_response_save(
            pregnancy=self.w.hanako_pregnancy,
            questionnaire=self.s.questionnaire,
            given={self.s.what.pk: Given(text="下書きの内容")},
            submit=False,
        )
        self.sign_in(self.w.admin_abe)
        page = self.client.get(reverse("staff:timeline", args=[self.w.hanako_pregnancy.pk]))
        self.assertNotContains(page, "下書きの内容")
        self.assertEqual(self.logged(self.w.admin_abe), 0)

    def test_the_day_reads_the_answers_in_a_fixed_number_of_queries(self) -> None:
        send(self.s, self.w.hanako_pregnancy, flagged=True)
        self.sign_in(self.w.nurse_sato.user)
        url = reverse("staff:day") + "?date=2026-12-02"
        self.client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as one:
            self.client.get(url)
        mei = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 2, 11),
            pregnancy=self.w.mei_pregnancy,
            now=NOW,
        )
        mei.nurse = self.w.nurse_sato
        mei.save()
        send(self.s, self.w.mei_pregnancy, flagged=False)
        with self.assertNumQueries(len(one.captured_queries)):
            page = self.client.get(url)
        self.assertContains(page, "⚑ はい")
        self.assertContains(page, "いいえ")

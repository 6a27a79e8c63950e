"""Answers the administrator marked as flags put the pregnancy on the nurses' follow-up list
(フォロー一覧, third section), with the days since she sent them; a draft does not, nor does an
answer without a flag; the list names no answer. A call-back task closed after she sent them
takes her off."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from scheduling.followup_models import FollowUpTask
from scheduling.models import AccessLog
from scheduling.questionnaires import Given, questionnaire_response_save
from scheduling.worklist import follow_up_list
from tests.base import NOW, TOKYO
from tests.staff.helpers import StaffTestCase

from .helpers import eighth_month_sheet, send


class FlaggedAnswersJoinTheFollowUpListTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.s = eighth_month_sheet(self.w)

    def flagged(self, municipality: object = None, today: dt.date | None = None):  # type: ignore[no-untyped-def]
        return follow_up_list(
            municipality_ids=frozenset({(municipality or self.w.katsushika).pk}),  # type: ignore[attr-defined]
            site_ids=frozenset(),
            today=today or NOW.date(),
            tz=TOKYO,
        )

    def test_a_sent_flag_puts_her_on_the_list_with_its_age(self) -> None:
        send(self.s, self.w.hanako_pregnancy, flagged=True)
        worklist = self.flagged(today=NOW.date() + dt.timedelta(days=3))
        self.assertEqual(
            [(e.reason, e.resident, e.since, e.age_days) for e in worklist.flagged],
            [("flagged", self.w.hanako, NOW.date(), 3)],
        )
        self.assertEqual(worklist.flagged_count, 1)

    def test_answers_without_a_flag_do_not(self) -> None:
        send(self.s, self.w.hanako_pregnancy, flagged=False)
        self.assertEqual(self.flagged().flagged, [])

    def test_a_flag_in_a_draft_does_not(self) -> None:
        questionnaire_response_save(
            pregnancy=self.w.hanako_pregnancy,
            questionnaire=self.s.questionnaire,
            given={
                self.s.worries.pk: Given(choice_ids=frozenset({self.s.no_sleep.pk})),
                self.s.long.pk: Given(choice_ids=frozenset({self.s.long_yes.pk})),
            },
            submit=False,
        )
        self.assertEqual(self.flagged().flagged, [])

    def test_another_municipality_does_not_see_her(self) -> None:
        send(self.s, self.w.hanako_pregnancy, flagged=True)
        self.assertEqual(self.flagged(municipality=self.w.sakuragawa).flagged, [])

    def test_a_call_back_closed_after_she_sent_them_takes_her_off(self) -> None:
        send(self.s, self.w.hanako_pregnancy, flagged=True)
        FollowUpTask.objects.create(
            pregnancy=self.w.hanako_pregnancy,
            reason=FollowUpTask.Reason.NOT_BOOKED,
            opened_at=timezone.now(),
            closed_at=timezone.now() + dt.timedelta(hours=1),
            close_reason=FollowUpTask.CloseReason.BOOKED,
        )
        self.assertEqual(self.flagged().flagged, [])

    def test_the_page_lists_her_without_her_answers_and_logs_it(self) -> None:
        send(self.s, self.w.hanako_pregnancy, flagged=True, what="秘密の相談内容")
        self.sign_in(self.w.nurse_ito.user)
        page = self.client.get(reverse("staff:follow_up"), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, "Flagged questionnaires (1)")
        self.assertContains(page, self.w.hanako.name)
        self.assertNotContains(page, "秘密の相談内容")
        self.assertNotContains(page, "2週間以上続いていますか")
        link = reverse("staff:follow_up_pregnancy", args=[self.w.hanako_pregnancy.pk])
        self.assertContains(page, link)
        self.assertTrue(
            AccessLog.objects.filter(
                user=self.w.nurse_ito.user, resident=self.w.hanako, action="list"
            ).exists()
        )
        # Any nurse of her municipality may call her back from there.
        self.assertEqual(self.client.get(link).status_code, 200)

"""Retention covers questionnaire answers: when a resident is purged, her responses (sent and
drafts) and their answers are deleted; another resident's stay."""

from __future__ import annotations

import datetime as dt

import time_machine

from scheduling.questionnaire_models import Answer, QuestionnaireResponse
from scheduling.questionnaires import Given, questionnaire_response_save
from scheduling.retention import retention_purge
from tests.base import NOW, BaseTestCase

from .helpers import eighth_month_sheet, send


class RetentionPurgesAnswersTest(BaseTestCase):
    def test_her_answers_are_deleted_and_anothers_stay(self) -> None:
        s = eighth_month_sheet(self.w)
        send(s, self.w.hanako_pregnancy, flagged=True)
        questionnaire_response_save(
            pregnancy=self.w.mei_pregnancy,
            questionnaire=s.questionnaire,
            given={s.talk.pk: Given(choice_ids=frozenset({s.talk_no.pk}))},
            submit=False,
        )
        self.w.katsushika.retention_days = 365
        self.w.katsushika.save()
        # Mei came back recently (a newer account), so only Hanako is due.
        self.w.mei.created_at = NOW + dt.timedelta(days=300)
        self.w.mei.save()
        with time_machine.travel(NOW + dt.timedelta(days=400), tick=False):
            counts = retention_purge(municipality=self.w.katsushika)
        self.assertEqual(counts.residents, 1)
        self.assertFalse(
            QuestionnaireResponse.objects.filter(pregnancy=self.w.hanako_pregnancy).exists()
        )
        self.assertFalse(
            Answer.objects.filter(response__pregnancy=self.w.hanako_pregnancy).exists()
        )
        self.assertTrue(
            QuestionnaireResponse.objects.filter(pregnancy=self.w.mei_pregnancy).exists()
        )

"""She saves her answers half-way and comes back later (another session): the page shows what
she gave, with the questions it shows, and she sends it from there."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from scheduling.questionnaire_models import QuestionnaireResponse
from tests.base import BaseTestCase

from .helpers import eighth_month_sheet


class SaveAndComeBackTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.s = eighth_month_sheet(self.w)
        self.url = reverse("frontend:questionnaire", args=[self.s.contact.code])

    def test_a_saved_draft_comes_back_in_a_new_session_and_is_sent_from_there(self) -> None:
        first = Client()
        first.force_login(self.w.hanako.user)
        saved = first.post(
            self.url,
            {
                "save": "1",
                f"q{self.s.talk.pk}": self.s.talk_yes.pk,
                f"q{self.s.what.pk}": "夜眠れません",
                f"q{self.s.worries.pk}": [self.s.no_sleep.pk, self.s.no_appetite.pk],
            },
        )
        self.assertRedirects(saved, self.url, fetch_redirect_response=False)
        self.assertEqual(QuestionnaireResponse.objects.get().status, "draft")

        later = Client()
        later.force_login(self.w.hanako.user)
        page = later.get(self.url)
        self.assertContains(page, "夜眠れません")
        self.assertContains(page, "2週間以上続いていますか")
        for choice in (self.s.talk_yes, self.s.no_sleep, self.s.no_appetite):
            self.assertContains(
                page, f'value="{choice.pk}" id="id_q{choice.question_id}_{choice.pk}" checked'
            )
        self.assertNotContains(
            page,
            f'value="{self.s.nothing.pk}" id="id_q{self.s.worries.pk}_{self.s.nothing.pk}" checked',
        )

        sent = later.post(
            self.url,
            {
                "submit": "1",
                f"q{self.s.talk.pk}": self.s.talk_yes.pk,
                f"q{self.s.what.pk}": "夜眠れません",
                f"q{self.s.worries.pk}": [self.s.no_sleep.pk],
                f"q{self.s.long.pk}": self.s.long_no.pk,
            },
        )
        self.assertEqual(sent.status_code, 302)
        response = QuestionnaireResponse.objects.get()
        self.assertEqual(response.status, "submitted")
        self.assertEqual(response.answers.count(), 4)

    def test_her_draft_stays_after_the_window_ends_and_is_hers_alone(self) -> None:
        self.client.force_login(self.w.hanako.user)
        self.client.post(
            self.url,
            {
                "save": "1",
                f"q{self.s.what.pk}": "花子の下書き",
                f"q{self.s.talk.pk}": self.s.talk_yes.pk,
            },
        )
        self.w.mei_pregnancy.due_date = self.w.hanako_pregnancy.due_date
        self.w.mei_pregnancy.save()
        mei = Client()
        mei.force_login(self.w.mei.user)
        self.assertNotContains(mei.get(self.url), "花子の下書き")
        self.w.hanako_pregnancy.due_date = self.w.hanako_pregnancy.due_date.replace(year=2028)
        self.w.hanako_pregnancy.save()
        self.assertContains(self.client.get(self.url), "花子の下書き")

    def test_it_is_not_found_before_it_is_due(self) -> None:
        self.w.hanako_pregnancy.due_date = self.w.hanako_pregnancy.due_date.replace(year=2028)
        self.w.hanako_pregnancy.save()
        self.client.force_login(self.w.hanako.user)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        page = self.client.get(reverse("frontend:my_bookings"))
        self.assertNotContains(page, self.url)

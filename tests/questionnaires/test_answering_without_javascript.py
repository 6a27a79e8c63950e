"""She answers her questionnaire on the web without JavaScript: each post saves a draft and the
page re-renders with the questions her answers now show; she submits once all shown required
questions are answered. Reached from /bookings/ while the contact is due."""

from __future__ import annotations

from django.urls import reverse

from scheduling.contact_models import PregnancyContact
from scheduling.questionnaire_models import QuestionnaireResponse
from tests.base import BaseTestCase

from .helpers import eighth_month_sheet


class AnsweringWithoutJavaScriptTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.s = eighth_month_sheet(self.w)
        self.client.force_login(self.w.hanako.user)
        self.url = reverse("frontend:questionnaire", args=[self.s.contact.code])

    def post(self, button: str, **answers: object):  # type: ignore[no-untyped-def]
        data: dict[str, object] = {button: "1"}
        for question, value in answers.items():
            data[question] = value
        return self.client.post(self.url, data, HTTP_ACCEPT_LANGUAGE="ja")

    def field(self, question: object) -> str:
        return f"q{question.pk}"  # type: ignore[attr-defined]

    def test_her_bookings_page_links_the_due_questionnaire(self) -> None:
        page = self.client.get(reverse("frontend:my_bookings"), HTTP_ACCEPT_LANGUAGE="ja")
        self.assertContains(page, self.url)

    def test_the_first_page_shows_only_the_unconditioned_questions(self) -> None:
        page = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="ja")
        self.assertContains(page, "相談したいことはありますか")
        self.assertContains(page, "気になること")
        self.assertNotContains(page, "内容を教えてください")
        self.assertNotContains(page, "2週間以上続いていますか")
        self.assertNotContains(page, "<script")

    def test_next_after_a_yes_shows_the_follow_up_question_and_keeps_her_answer(self) -> None:
        page = self.post("next", **{self.field(self.s.talk): self.s.talk_yes.pk})
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "内容を教えてください")
        self.assertContains(
            page,
            f'value="{self.s.talk_yes.pk}" id="id_q{self.s.talk.pk}_{self.s.talk_yes.pk}" checked',
        )

    def test_sending_with_a_shown_required_question_empty_says_so_and_sends_nothing(self) -> None:
        page = self.post("submit", **{self.field(self.s.talk): self.s.talk_yes.pk})
        self.assertEqual(page.status_code, 422)
        self.assertContains(page, "内容を教えてください", status_code=422)
        self.assertContains(page, "error-summary", status_code=422)
        response = QuestionnaireResponse.objects.get(pregnancy=self.w.hanako_pregnancy)
        self.assertEqual(response.status, "draft")

    def test_a_hidden_question_is_not_required_and_its_answer_is_dropped(self) -> None:
        page = self.post(
            "submit",
            **{
                self.field(self.s.talk): self.s.talk_no.pk,
                self.field(self.s.what): "消えるはずの答え",
                self.field(self.s.worries): [self.s.nothing.pk],
            },
        )
        self.assertRedirects(
            page,
            reverse("frontend:my_bookings") + f"#contact-{self.s.contact.code}",
            fetch_redirect_response=False,
        )
        response = QuestionnaireResponse.objects.get(pregnancy=self.w.hanako_pregnancy)
        self.assertEqual(response.status, "submitted")
        self.assertEqual(
            sorted(response.answers.values_list("question_id", flat=True)),
            sorted([self.s.talk.pk, self.s.worries.pk]),
        )
        record = PregnancyContact.objects.get(
            pregnancy=self.w.hanako_pregnancy, contact=self.s.contact
        )
        self.assertEqual(record.status, "done")

    def test_a_sent_questionnaire_cannot_be_changed(self) -> None:
        self.post("submit", **{self.field(self.s.talk): self.s.talk_no.pk})
        self.post("submit", **{self.field(self.s.talk): self.s.talk_yes.pk})
        response = QuestionnaireResponse.objects.get(pregnancy=self.w.hanako_pregnancy)
        self.assertEqual(
            list(response.answers.get(question=self.s.talk).choices.all()), [self.s.talk_no]
        )
        page = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="ja")
        self.assertNotContains(page, '<form method="post" novalidate class="questionnaire"')

    def test_a_choice_of_another_question_is_ignored(self) -> None:
        self.post("save", **{self.field(self.s.talk): self.s.long_yes.pk})
        response = QuestionnaireResponse.objects.get(pregnancy=self.w.hanako_pregnancy)
        self.assertFalse(response.answers.exists())

    def test_the_questions_are_in_her_language_with_japanese_as_fallback(self) -> None:
        page = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, "Is there anything you would like to talk about?")
        self.assertContains(page, "気になること")

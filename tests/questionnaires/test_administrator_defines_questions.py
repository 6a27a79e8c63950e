"""A municipality administrator defines her questionnaire in staff pages: a question with its
kind, order, "shown only if", translations and choices marked as flags; another
municipality's administrator cannot open it."""

from __future__ import annotations

from django.urls import reverse

from scheduling.questionnaire_models import Question
from tests.contacts.helpers import katsushika_contacts
from tests.staff.helpers import StaffTestCase


class AdministratorDefinesQuestionsTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.contact = katsushika_contacts(self.w).questionnaire
        self.sign_in(self.w.admin_abe)

    def add_question(self, **fields: object):  # type: ignore[no-untyped-def]
        data = {"new-order": "1", "new-kind": "single", "new-text": "体調はいかがですか"}
        data.update({f"new-{k}": v for k, v in fields.items()})
        url = reverse("staff:questionnaire_edit", args=[self.contact.pk])
        return self.client.post(url, data)

    def choices(self, question: Question, *rows: tuple[str, str, bool]) -> dict[str, object]:
        data: dict[str, object] = {
            "order": question.order,
            "kind": question.kind,
            "text": question.text,
            "c-TOTAL_FORMS": str(len(rows)),
            "c-INITIAL_FORMS": "0",
            "c-MIN_NUM_FORMS": "0",
            "c-MAX_NUM_FORMS": "1000",
        }
        if question.required:
            data["required"] = "on"
        if question.shown_if_id:
            data["shown_if"] = question.shown_if_id
        for n, (text, english, flag) in enumerate(rows):
            data[f"c-{n}-order"] = str(n)
            data[f"c-{n}-text"] = text
            data[f"c-{n}-text_en"] = english
            if flag:
                data[f"c-{n}-is_flag"] = "on"
        return data

    def test_she_adds_a_question_with_translations_and_flagged_choices(self) -> None:
        page = self.client.get(reverse("staff:questionnaires"))
        self.assertContains(page, reverse("staff:questionnaire_edit", args=[self.contact.pk]))
        response = self.add_question(required="on", text_en="How are you feeling?")
        question = Question.objects.get()
        self.assertRedirects(
            response,
            reverse("staff:question_edit", args=[question.pk]),
            fetch_redirect_response=False,
        )
        self.assertEqual(question.text_translations, {"en": "How are you feeling?"})
        self.assertTrue(question.required)
        url = reverse("staff:question_edit", args=[question.pk])
        saved = self.client.post(
            url, self.choices(question, ("元気", "Well", False), ("つらい", "Unwell", True))
        )
        self.assertEqual(saved.status_code, 302)
        self.assertEqual(
            [(c.text, c.text_translations, c.is_flag) for c in question.choices.order_by("order")],
            [("元気", {"en": "Well"}, False), ("つらい", {"en": "Unwell"}, True)],
        )
        page = self.client.get(reverse("staff:questionnaire_edit", args=[self.contact.pk]))
        self.assertContains(page, "つらい")
        self.assertContains(page, "⚑")

    def test_a_condition_is_a_choice_of_an_earlier_question(self) -> None:
        self.add_question()
        first = Question.objects.get()
        self.client.post(
            reverse("staff:question_edit", args=[first.pk]),
            self.choices(first, ("はい", "", False), ("いいえ", "", False)),
        )
        yes = first.choices.get(text="はい")
        self.add_question(order="2", kind="text", text="詳しく", shown_if=str(yes.pk))
        second = Question.objects.get(text="詳しく")
        self.assertEqual(second.shown_if, yes)
        # The first question may not hang on a later one's choice, nor on its own.
        self.add_question(order="3", kind="single", text="三問目")
        third = Question.objects.get(text="三問目")
        self.client.post(
            reverse("staff:question_edit", args=[third.pk]), self.choices(third, ("A", "", False))
        )
        later = third.choices.get()
        first_data = self.choices(first)
        first_data["shown_if"] = later.pk
        page = self.client.post(reverse("staff:question_edit", args=[first.pk]), first_data)
        self.assertEqual(page.status_code, 422)
        first.refresh_from_db()
        self.assertIsNone(first.shown_if)

    def test_another_municipality_administrator_gets_a_404(self) -> None:
        self.add_question()
        question = Question.objects.get()
        self.client.logout()
        self.sign_in(self.w.admin_ogawa)
        for url in (
            reverse("staff:questionnaire_edit", args=[self.contact.pk]),
            reverse("staff:question_edit", args=[question.pk]),
        ):
            self.assertEqual(self.client.get(url).status_code, 404)
        self.assertNotContains(self.client.get(reverse("staff:questionnaires")), self.contact.name)

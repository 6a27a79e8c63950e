"""Answering a questionnaire (issue 16): which questions are shown, what is missing, saving.

Branching is decided here, on the server, so the page behaves the same with or without
JavaScript: a question whose condition (an earlier answer's choice) is not met is not shown, not
required, and any answer it had is dropped when she saves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import webhooks

from .contact_models import Contact, PregnancyContact
from .models import Pregnancy
from .questionnaire_models import (
    Answer,
    Choice,
    Question,
    Questionnaire,
    QuestionnaireResponse,
)


@dataclass(frozen=True)
class Given:
    """What she gave for one question: the ids of the choices picked, or the text typed."""

    choice_ids: frozenset[int] = frozenset()
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.choice_ids and not self.text.strip()


def visible_questions(questions: Sequence[Question], given: Mapping[int, Given]) -> list[Question]:
    """The questions shown, in order: those without a condition, and those whose condition's
    choice was picked in an earlier question that is itself shown."""
    shown: list[Question] = []
    picked: set[int] = set()
    for question in questions:
        if question.shown_if_id is None or question.shown_if_id in picked:
            shown.append(question)
            picked |= given.get(question.pk, Given()).choice_ids
    return shown


def missing_answers(questions: Sequence[Question], given: Mapping[int, Given]) -> dict[int, str]:
    """Question id → why, for each shown and required question she left empty."""
    return {
        q.pk: _("Please answer this question.")
        for q in visible_questions(questions, given)
        if q.required and given.get(q.pk, Given()).is_empty
    }


def given_from(questions: Iterable[Question], data: Mapping[str, list[str]]) -> dict[int, Given]:
    """Her answers from a form post (`q<id>` fields); a choice that is not the question's own is
    ignored, a single-choice question keeps one."""
    given: dict[int, Given] = {}
    for question in questions:
        values = data.get(f"q{question.pk}", [])
        if question.kind == Question.Kind.TEXT:
            text = (values[0] if values else "").strip()[:2000]
            given[question.pk] = Given(text=text)
            continue
        own = {c.pk for c in question.choices.all()}
        ids = [int(v) for v in values if v.isdigit() and int(v) in own]
        if question.kind == Question.Kind.SINGLE:
            ids = ids[:1]
        given[question.pk] = Given(choice_ids=frozenset(ids))
    return given


def questions_of(questionnaire: Questionnaire) -> list[Question]:
    """The questions in order with their choices (two queries)."""
    return list(questionnaire.questions.prefetch_related("choices").order_by("order", "pk"))


def response_given(response: QuestionnaireResponse | None) -> dict[int, Given]:
    """What a saved response holds, as `Given` per question (two queries)."""
    if response is None:
        return {}
    return {
        a.question_id: Given(choice_ids=frozenset(c.pk for c in a.choices.all()), text=a.text)
        for a in response.answers.prefetch_related("choices")
    }


def questionnaire_response_save(
    *,
    pregnancy: Pregnancy,
    questionnaire: Questionnaire,
    given: Mapping[int, Given],
    submit: bool,
) -> tuple[QuestionnaireResponse, dict[int, str]]:
    """Save her answers to the shown questions as a draft; with `submit`, submit them if none
    required is missing. Returns the response and the missing answers (empty when all is well).
    A submitted response is not changed again."""
    questions = questions_of(questionnaire)
    shown = visible_questions(questions, given)
    missing = missing_answers(questions, given) if submit else {}
    with transaction.atomic():
        response, _created = QuestionnaireResponse.objects.select_for_update().get_or_create(
            pregnancy=pregnancy, questionnaire=questionnaire
        )
        if response.status == QuestionnaireResponse.Status.SUBMITTED:
            return response, {}
        response.answers.all().delete()
        for question in shown:
            answer_given = given.get(question.pk, Given())
            if answer_given.is_empty:
                continue
            answer = Answer.objects.create(
                response=response, question=question, text=answer_given.text
            )
            if answer_given.choice_ids:
                answer.choices.set(answer_given.choice_ids)
        if submit and not missing:
            response.status = QuestionnaireResponse.Status.SUBMITTED
            response.submitted_at = timezone.now()
            _contact_done(pregnancy, questionnaire, response)
        response.save()
    return response, missing


def _contact_done(
    pregnancy: Pregnancy, questionnaire: Questionnaire, response: QuestionnaireResponse
) -> None:
    """Her questionnaire contact is done when she submits (unless staff recorded it already).
    Done by her sending it is the same event for integrators as staff recording it done."""
    record, created = PregnancyContact.objects.get_or_create(
        pregnancy=pregnancy,
        contact_id=questionnaire.contact_id,
        defaults={"status": PregnancyContact.Status.DONE},
    )
    made_done = created
    if not created and record.status == PregnancyContact.Status.INVITED:
        record.status = PregnancyContact.Status.DONE
        record.save(update_fields=["status", "recorded_at"])
        made_done = True
    if record.status == PregnancyContact.Status.DONE and record.done_on is None:
        record.done_on = timezone.localdate(response.submitted_at)
        record.save(update_fields=["done_on", "recorded_at"])
    if made_done:
        webhooks.webhooks_queue_contact_done(
            record=record, municipality_id=questionnaire.contact.municipality_id
        )


def flagged_choices(response: QuestionnaireResponse) -> list[Choice]:
    """The flagged choices in a response, in question order."""
    return list(
        Choice.objects.filter(answers__response=response, is_flag=True).order_by(
            "question__order", "question_id", "order"
        )
    )


@dataclass(frozen=True)
class AnswerLine:
    question: str
    answer: str
    flagged: bool


@dataclass(frozen=True)
class SentAnswers:
    """A sent questionnaire as staff read it (Japanese texts: the staff's language)."""

    contact_name: str
    submitted_at: dt.datetime | None
    lines: list[AnswerLine]

    @property
    def flagged(self) -> bool:
        return any(line.flagged for line in self.lines)


def sent_answers_by_pregnancy(pregnancy_ids: Iterable[int]) -> dict[int, list[SentAnswers]]:
    """The sent questionnaires of these pregnancies with their answers in question order, in
    three queries whatever their number. Drafts stay hers until she sends them. Callers decide
    who may see them (scheduling.access) and record the access log."""
    found: dict[int, list[SentAnswers]] = {}
    responses = (
        QuestionnaireResponse.objects.filter(
            pregnancy_id__in=list(pregnancy_ids),
            status=QuestionnaireResponse.Status.SUBMITTED,
        )
        .select_related("questionnaire__contact")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("question")
                .prefetch_related("choices")
                .order_by("question__order", "question_id"),
            )
        )
        .order_by("submitted_at", "pk")
    )
    for response in responses:
        lines = []
        for answer in response.answers.all():
            choices = sorted(answer.choices.all(), key=lambda c: (c.order, c.pk))
            text = " / ".join([c.text for c in choices] + ([answer.text] if answer.text else []))
            lines.append(
                AnswerLine(
                    question=answer.question.text,
                    answer=text,
                    flagged=any(c.is_flag for c in choices),
                )
            )
        found.setdefault(response.pregnancy_id, []).append(
            SentAnswers(
                contact_name=response.questionnaire.contact.name,
                submitted_at=response.submitted_at,
                lines=lines,
            )
        )
    return found


def questionnaire_for_contact(contact: Contact) -> Questionnaire:
    """The contact's questionnaire, created empty the first time an administrator opens it."""
    questionnaire, _created = Questionnaire.objects.get_or_create(contact=contact)
    return questionnaire

"""A municipality administrator defines her questionnaires (issue 16): per questionnaire contact,
its questions in order (kind, required, "shown only if an earlier answer is"), each in Japanese
and the other languages, with the choices she marks as flags. Who may: scheduling.access
(access_questionnaire_contact_as_admin, access_question_as_admin); another municipality's is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from scheduling.access import (
    access_question_as_admin,
    access_questionnaire_contact_as_admin,
    scope_for,
)
from scheduling.contact_models import Contact
from scheduling.questionnaire_models import Question
from scheduling.questionnaires import questionnaire_for_contact, questions_of

from .common import render_staff
from .decorators import municipality_admin_required
from .questionnaire_forms import ChoiceFormSet, QuestionForm


@municipality_admin_required
def questionnaires(request: HttpRequest) -> HttpResponse:
    contacts = Contact.objects.filter(
        kind=Contact.Kind.QUESTIONNAIRE,
        municipality_id__in=scope_for(request.user).admin_municipality_ids,
    ).order_by("municipality_id", "ordering_key", "id")
    return render_staff(request, "frontend/staff/questionnaires.html", {"contacts": list(contacts)})


@municipality_admin_required
def questionnaire_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Its questions with their choices, and a form to add a question."""
    contact = access_questionnaire_contact_as_admin(request.user, contact_id)
    questionnaire = questionnaire_for_contact(contact)
    form = QuestionForm(request.POST or None, questionnaire=questionnaire, prefix="new")
    if request.method == "POST" and form.is_valid():
        question = form.save()
        messages.success(request, _("Question added. Now add its choices."))
        return redirect("staff:question_edit", question_id=question.pk)
    return render_staff(
        request,
        "frontend/staff/questionnaire.html",
        {"contact": contact, "questions": questions_of(questionnaire), "form": form},
        status=422 if request.method == "POST" else 200,
    )


@municipality_admin_required
def question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    question = access_question_as_admin(request.user, question_id)
    contact = question.questionnaire.contact
    if request.method == "POST" and "delete" in request.POST:
        question.delete()
        messages.success(request, _("Question deleted."))
        return redirect("staff:questionnaire_edit", contact_id=contact.pk)
    form = QuestionForm(
        request.POST or None, instance=question, questionnaire=question.questionnaire
    )
    choices = ChoiceFormSet(request.POST or None, instance=question, prefix="c")
    if request.method == "POST" and form.is_valid() and choices.is_valid():
        with transaction.atomic():
            form.save()
            choices.save()
        messages.success(request, _("Saved."))
        return redirect("staff:questionnaire_edit", contact_id=contact.pk)
    return render_staff(
        request,
        "frontend/staff/question_edit.html",
        {
            "contact": contact,
            "question": question,
            "form": form,
            "choices": choices,
            "takes_choices": question.kind != Question.Kind.TEXT,
        },
        status=422 if request.method == "POST" else 200,
    )

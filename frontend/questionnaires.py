"""She answers her questionnaire (アンケート, issue 16) at /questionnaires/<contact code>/.

The page works the same with or without JavaScript: every post saves her answers as a draft and
the page re-renders with the questions their conditions now show ("Next"), until she submits.
She can leave and come back: the draft is on the server. Who may open it is
scheduling.access.access_her_questionnaire.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from scheduling.access import access_her_questionnaire
from scheduling.questionnaire_models import Question, QuestionnaireResponse
from scheduling.questionnaires import (
    Given,
    given_from,
    questionnaire_response_save,
    questions_of,
    response_given,
    visible_questions,
)

from .bookings import resident_login_required


@resident_login_required
def answer(request: HttpRequest, contact_code: str) -> HttpResponse:
    pregnancy, questionnaire = access_her_questionnaire(request.user, contact_code)
    timezone.activate(pregnancy.resident.municipality.tz)
    questions = questions_of(questionnaire)
    response = QuestionnaireResponse.objects.filter(
        pregnancy=pregnancy, questionnaire=questionnaire
    ).first()
    errors: dict[int, str] = {}
    if request.method == "POST" and (response is None or response.status == "draft"):
        given = given_from(questions, dict(request.POST.lists()))
        submit = "submit" in request.POST
        response, errors = questionnaire_response_save(
            pregnancy=pregnancy, questionnaire=questionnaire, given=given, submit=submit
        )
        if response.status == QuestionnaireResponse.Status.SUBMITTED:
            messages.success(request, _("Thank you. Your answers have been sent."))
            return redirect(reverse("frontend:my_bookings") + f"#contact-{contact_code}")
        if "save" in request.POST:
            messages.success(request, _("Saved. You can come back and finish later."))
            return redirect("frontend:questionnaire", contact_code=contact_code)
    else:
        given = response_given(response)
    language = get_language() or "ja"
    shown = [
        _shown(question, given.get(question.pk, Given()), language, errors.get(question.pk))
        for question in visible_questions(questions, given)
    ]
    return render(
        request,
        "frontend/questionnaire.html",
        {
            "municipality": pregnancy.resident.municipality,
            "title": questionnaire.contact.name_in(language),
            "intro": questionnaire.intro_in(language),
            "questions": shown,
            "errors": errors,
            "submitted": response is not None
            and response.status == QuestionnaireResponse.Status.SUBMITTED,
        },
        status=422 if errors else 200,
    )


def _shown(question: Question, given: Given, language: str, error: str | None) -> dict[str, object]:
    return {
        "id": question.pk,
        "field": f"q{question.pk}",
        "kind": question.kind,
        "text": question.text_in(language),
        "required": question.required,
        "error": error,
        "text_value": given.text,
        "choices": [
            {"id": c.pk, "text": c.text_in(language), "checked": c.pk in given.choice_ids}
            for c in question.choices.all()
        ],
    }

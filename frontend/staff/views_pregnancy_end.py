"""Staff record how a pregnancy ended (issue 15): a birth (date, number of babies), a miscarriage
or a stillbirth. The rules are scheduling.contact_services.pregnancy_record_end's; who may is
scheduling.access.access_pregnancy_as_staff's (404 otherwise)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scheduling.access import access_pregnancy_as_staff, signed_in
from scheduling.contact_services import MAX_BABIES, pregnancy_record_end
from scheduling.models import PregnancyOutcome
from yurikago.errors import DomainError

from .common import render_staff
from .decorators import staff_required
from .forms import DATE, BoundedDateField


class PregnancyEndForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("What happened"), choices=PregnancyOutcome.choices
    )
    on = BoundedDateField(label=gettext_lazy("Date"), widget=DATE)
    babies = forms.IntegerField(
        label=gettext_lazy("Number of babies (for a birth)"),
        required=False,
        min_value=1,
        max_value=MAX_BABIES,
    )


@staff_required
def pregnancy_end(request: HttpRequest, pregnancy_id: int) -> HttpResponse:
    pregnancy = access_pregnancy_as_staff(request.user, pregnancy_id)
    form = PregnancyEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        cd: dict[str, Any] = form.cleaned_data
        try:
            pregnancy_record_end(
                pregnancy=pregnancy,
                outcome=cd["outcome"],
                on=cd["on"],
                babies=cd["babies"],
                actor=signed_in(request.user),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("Recorded."))
            return redirect(reverse("staff:timeline", args=[pregnancy.pk]))
    return render_staff(
        request,
        "frontend/staff/pregnancy_end.html",
        {"pregnancy": pregnancy, "form": form},
        status=422 if form.errors else 200,
    )

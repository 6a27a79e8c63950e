"""The nurses' follow-up list (フォロー一覧, issue 16): notified and not booked after N days, and
missed interviews, per site or district, each with its age. Reads in scheduling.worklist; who
sees what in scheduling.access.follow_up_scope; every resident shown is access-logged."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from scheduling.access import access_follow_up_pregnancy, follow_up_scope, signed_in
from scheduling.followup_models import FollowUpAttempt, FollowUpTask
from scheduling.followup_services import follow_up_attempt_record
from scheduling.staff_services import access_log_record
from scheduling.worklist import follow_up_districts, follow_up_list, not_booked_days
from yurikago.errors import DomainError

from .common import render_staff, staff_sites, today_in, tz_of
from .decorators import staff_required


class FollowUpFilterForm(forms.Form):
    site = forms.TypedChoiceField(
        label=_("Site (missed interviews)"), required=False, coerce=int, empty_value=None
    )
    district = forms.ChoiceField(label=_("District"), required=False)
    days = forms.IntegerField(
        label=_("Not booked after (days)"), min_value=0, max_value=365, required=False
    )

    def __init__(
        self,
        *args: Any,
        sites: list[tuple[int | str, str]],
        districts: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        site = self.fields["site"]
        district = self.fields["district"]
        assert isinstance(site, forms.ChoiceField) and isinstance(district, forms.ChoiceField)
        site.choices = [("", _("All my sites")), *sites]
        district.choices = [("", _("All districts")), *[(d, d) for d in districts]]


@staff_required
def follow_up(request: HttpRequest) -> HttpResponse:
    municipality_ids, site_ids = follow_up_scope(request.user)
    if not municipality_ids:
        raise Http404
    sites = staff_sites(request)
    form = FollowUpFilterForm(
        request.GET or None,
        sites=[(s.pk, s.name) for s in sites],
        districts=follow_up_districts(municipality_ids),
    )
    worklist = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        chosen = data.get("site")
        tz = tz_of(sites)
        worklist = follow_up_list(
            municipality_ids=municipality_ids,
            site_ids=frozenset({chosen}) & site_ids if chosen else site_ids,
            today=today_in(tz),
            tz=tz,
            days=data.get("days") if data.get("days") is not None else not_booked_days(),
            district=data.get("district") or None,
        )
        shown = {e.resident.pk: e.resident for e in worklist.entries}
        access_log_record(user=signed_in(request.user), residents=shown.values(), action="list")
    return render_staff(
        request, "frontend/staff/follow_up.html", {"form": form, "worklist": worklist}
    )


class AttemptForm(forms.Form):
    how = forms.ChoiceField(label=_("How"), choices=FollowUpAttempt.How.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=FollowUpAttempt.Outcome.choices)
    note = forms.CharField(
        label=_("Private staff note"), required=False, max_length=1000, widget=forms.Textarea
    )


@staff_required
def follow_up_pregnancy(request: HttpRequest, pregnancy_id: int) -> HttpResponse:
    """Her call-back task: the attempts so far and a form for the next one."""
    pregnancy = access_follow_up_pregnancy(request.user, pregnancy_id)
    access_log_record(user=signed_in(request.user), residents=[pregnancy.resident], action="view")
    form = AttemptForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                follow_up_attempt_record(
                    pregnancy=pregnancy,
                    how=form.cleaned_data["how"],
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                    by=signed_in(request.user),
                )
            except DomainError as exc:
                form.add_error("outcome", str(exc.message))
            else:
                messages.success(request, _("Attempt recorded."))
                return redirect(reverse("staff:follow_up"))
        status = 400
    tasks = list(
        FollowUpTask.objects.filter(pregnancy=pregnancy)
        .prefetch_related("attempts__by")
        .order_by("-opened_at", "-pk")
    )
    return render_staff(
        request,
        "frontend/staff/follow_up_pregnancy.html",
        {"pregnancy": pregnancy, "form": form, "tasks": tasks},
        status=status,
    )

"""The district nurse's home visits (issue 15): her day of visit blocks with the visits in route
order, address and map link, confirming a visit's exact time, and moving or cancelling a visit
(she is told each time). Who may: scheduling.access.access_home_visit (the block's nurse, the
municipality's administrators)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from scheduling.access import access_home_visit, scope_for, signed_in, visit_blocks_visible_to
from scheduling.home_visit_changes import home_visit_cancel, home_visit_move
from scheduling.home_visit_models import District, HomeVisit
from scheduling.home_visit_selectors import visit_day
from scheduling.home_visit_services import home_visit_confirm, visit_block_create
from scheduling.models import Nurse
from scheduling.staff_services import access_log_record
from yurikago.errors import DomainError

from .common import render_staff, staff_sites, today_in, tz_of
from .decorators import staff_required
from .forms import DATE, TIME, BoundedDateField


class VisitDayForm(forms.Form):
    date = BoundedDateField(label=gettext_lazy("Day"), required=False, widget=DATE)


class VisitTimeForm(forms.Form):
    time = forms.TimeField(label=gettext_lazy("Time"), widget=TIME)


class VisitMoveForm(forms.Form):
    date = BoundedDateField(label=gettext_lazy("Day"), widget=DATE)
    half = forms.ChoiceField(label=gettext_lazy("Half day"), choices=HomeVisit.Half.choices)


class VisitBlockForm(forms.Form):
    """A block of home visits in a nurse's schedule (her districts; administrators: any)."""

    assignment = forms.ChoiceField(label=gettext_lazy("Nurse and district"))
    date = BoundedDateField(label=gettext_lazy("Day"), widget=DATE)
    start_time = forms.TimeField(label=gettext_lazy("From"), widget=TIME)
    end_time = forms.TimeField(label=gettext_lazy("Until"), widget=TIME)
    capacity = forms.IntegerField(label=gettext_lazy("Visits at most"), initial=3, min_value=1)
    visit_minutes = forms.IntegerField(
        label=gettext_lazy("Minutes per visit"), initial=60, min_value=10
    )
    travel_minutes = forms.IntegerField(
        label=gettext_lazy("Travel between visits (minutes)"), initial=20, min_value=0
    )

    def __init__(self, *args: Any, assignments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignment"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = assignments


def _assignments(request: HttpRequest) -> dict[str, tuple[Nurse, District]]:
    """nurse-district pairs she may add blocks for: her own districts as a nurse, every
    district of a municipality she administers."""
    scope = scope_for(request.user)
    condition = Q(pk__in=[])
    if scope.nurse_id is not None:
        condition |= Q(nurses__pk=scope.nurse_id)
    if scope.admin_municipality_ids:
        condition |= Q(municipality_id__in=scope.admin_municipality_ids)
    pairs: dict[str, tuple[Nurse, District]] = {}
    for district in (
        District.objects.filter(condition).distinct().prefetch_related("nurses__municipality")
    ):
        for nurse in district.nurses.all():
            if (
                scope.nurse_id == nurse.pk
                or district.municipality_id in scope.admin_municipality_ids
            ):
                pairs[f"{nurse.pk}-{district.pk}"] = (nurse, district)
    return pairs


@staff_required
def visits(request: HttpRequest) -> HttpResponse:
    tz = tz_of(staff_sites(request))
    form = VisitDayForm(request.GET or None)
    day = (form.cleaned_data.get("date") if form.is_valid() else None) or today_in(tz)
    blocks = visit_day(visit_blocks_visible_to(request.user), day)
    residents = [s.visit.pregnancy.resident for b in blocks for s in b.stops]
    if residents:
        access_log_record(user=signed_in(request.user), residents=residents, action="visits")
    pairs = _assignments(request)
    block_form = VisitBlockForm(
        initial={"date": day},
        assignments=[(k, f"{n.name} · {d.name}") for k, (n, d) in pairs.items()],
    )
    return render_staff(
        request,
        "frontend/staff/visits.html",
        {
            "form": form,
            "block_form": block_form if pairs else None,
            "day": day,
            "blocks": blocks,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
        },
    )


@require_POST
@staff_required
def visit_confirm(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_home_visit(request.user, visit_id)
    url = reverse("staff:visits") + f"?date={visit.date.isoformat()}#visit-{visit.pk}"
    form = VisitTimeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a time, e.g. 10:30."))
        return redirect(url)
    tz = visit.pregnancy.resident.municipality.tz
    start = dt.datetime.combine(visit.date, form.cleaned_data["time"], tzinfo=tz)
    try:
        home_visit_confirm(visit=visit, start=start)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Time confirmed. She will get a message."))
    return redirect(url)


@require_POST
@staff_required
def visit_block_add(request: HttpRequest) -> HttpResponse:
    pairs = _assignments(request)
    form = VisitBlockForm(request.POST, assignments=[(k, k) for k in pairs])
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("staff:visits")
    cd = form.cleaned_data
    nurse, district = pairs[cd["assignment"]]
    try:
        block = visit_block_create(
            nurse=nurse,
            district=district,
            date=cd["date"],
            start_time=cd["start_time"],
            end_time=cd["end_time"],
            capacity=cd["capacity"],
            visit_minutes=cd["visit_minutes"],
            travel_minutes=cd["travel_minutes"],
            actor=signed_in(request.user),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("staff:visits")
    messages.success(request, _("Visit block added."))
    return redirect(reverse("staff:visits") + f"?date={block.date.isoformat()}")


def _day_url(visit: HomeVisit) -> str:
    return reverse("staff:visits") + f"?date={visit.date.isoformat()}#visit-{visit.pk}"


@require_POST
@staff_required
def visit_cancel(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_home_visit(request.user, visit_id)
    try:
        home_visit_cancel(visit=visit, by_staff=True)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Visit cancelled. She will get a message."))
    return redirect(reverse("staff:visits") + f"?date={visit.date.isoformat()}")


@require_POST
@staff_required
def visit_move(request: HttpRequest, visit_id: int) -> HttpResponse:
    """To another day and half-day in her district (the time is confirmed again)."""
    visit = access_home_visit(request.user, visit_id)
    form = VisitMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(_day_url(visit))
    try:
        moved = home_visit_move(
            visit=visit,
            date=form.cleaned_data["date"],
            half=form.cleaned_data["half"],
            by_staff=True,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(_day_url(visit))
    messages.success(request, _("Visit moved. Confirm its time; she has been told the new day."))
    return redirect(_day_url(moved))

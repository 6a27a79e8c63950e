"""A nurse's working hours: weekly ranges per site, time off, and a preview of her slots.

Managers and administrators edit the hours of nurses at their sites (scheduling.access). When an
edit would strand confirmed bookings the form comes back with the list: she moves them (links
to each booking) or keeps them (a second submit with confirm_stranded).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scheduling.access import (
    access_nurse_schedule,
    access_rule,
    access_rule_site,
    access_time_off,
    scope_for,
    signed_in,
)
from scheduling.models import Nurse
from scheduling.schedule_services import (
    StrandedBookingsError,
    availability_rule_create,
    availability_rule_delete,
    availability_rule_update,
    time_off_create,
    time_off_delete,
    time_off_update,
)
from scheduling.selectors import interview_type_default
from scheduling.staff_selectors import (
    nurse_schedule_for_editing,
    nurse_slot_preview,
    nurses_at_sites,
)
from yurikago.errors import DomainError

from .common import render_staff, today_in
from .decorators import staff_required
from .forms import WEEKDAY_CHOICES, RuleForm, TimeOffForm

PREVIEW_WEEKS = 3


def _nurse_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("nurse") or request.POST.get("nurse") or ""
    return int(raw) if raw.isdigit() else None


def _editable_sites(
    request: HttpRequest, nurse: Nurse, sites: list[Any] | None = None
) -> list[Any]:
    allowed = scope_for(request.user).site_ids
    if sites is None:
        sites = list(nurse.sites.all().order_by("ordering_key", "id"))
    return [s for s in sites if s.id in allowed]


def _page_url(nurse: Nurse, request: HttpRequest) -> str:
    url = reverse("staff:availability")
    return url if nurse.pk == scope_for(request.user).nurse_id else f"{url}?nurse={nurse.pk}"


def _schedule_context(request: HttpRequest, nurse: Nurse, **extra: Any) -> dict[str, Any]:
    today = today_in(nurse.municipality.tz)
    schedule = nurse_schedule_for_editing(nurse, today)
    sites = _editable_sites(request, nurse, schedule.sites)
    preview = nurse_slot_preview(
        nurse=schedule.nurse,
        interview_type=interview_type_default(schedule.nurse.municipality),
        date_from=today,
        date_to=today + dt.timedelta(weeks=PREVIEW_WEEKS) - dt.timedelta(days=1),
        site_ids=[s.id for s in schedule.sites],
    )
    site_names = {s.id: s.name for s in schedule.sites}
    context = {
        "nurse": schedule.nurse,
        "schedule": schedule,
        "weekdays": WEEKDAY_CHOICES,
        "site_rows": [
            (
                site,
                [
                    (label, schedule.rules.get(site.id, {}).get(wd, []))
                    for wd, label in WEEKDAY_CHOICES
                ],
            )
            for site in schedule.sites
        ],
        "editable_site_ids": {s.id for s in sites},
        "preview": [(p, site_names.get(p.site_id, "")) for p in preview],
        "rule_form": RuleForm(sites=sites, initial={"valid_from": today}),
        "off_form": TimeOffForm(tz=nurse.municipality.tz, initial={"date_from": today}),
        "nurse_query": "" if nurse.pk == scope_for(request.user).nurse_id else f"?nurse={nurse.pk}",
        "today": today,
    }
    context.update(extra)
    return context


@staff_required
def availability(request: HttpRequest) -> HttpResponse:
    nurse = access_nurse_schedule(request.user, _nurse_param(request))
    if nurse is None:
        # A manager or administrator without a nurse profile picks a nurse first.
        nurses = nurses_at_sites(scope_for(request.user).site_ids)
        return render_staff(request, "frontend/staff/availability_pick.html", {"nurses": nurses})
    return render_staff(
        request, "frontend/staff/availability.html", _schedule_context(request, nurse)
    )


def _stranded(exc: StrandedBookingsError) -> list[Any]:
    return exc.bookings


def _handle(
    request: HttpRequest, nurse: Nurse, form: Any, template: str, action: Any, **context: Any
) -> HttpResponse:
    """Run a service with the form's data; on stranded bookings, show them and ask."""
    try:
        action(form.cleaned_data.get("confirm_stranded", False))
    except StrandedBookingsError as exc:
        data = request.POST.copy()
        data["confirm_stranded"] = "on"
        context.update({"stranded": _stranded(exc), "confirm_data": data})
        return render_staff(
            request, template, {"nurse": nurse, "form": form, **context}, status=409
        )
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        return render_staff(
            request, template, {"nurse": nurse, "form": form, **context}, status=422
        )
    messages.success(request, _("Saved."))
    return redirect(_page_url(nurse, request))


@require_POST
@staff_required
def rule_create(request: HttpRequest) -> HttpResponse:
    nurse = access_nurse_schedule(request.user, _nurse_param(request))
    if nurse is None:
        raise Http404
    form = RuleForm(request.POST, sites=_editable_sites(request, nurse))
    if not form.is_valid():
        return render_staff(
            request,
            "frontend/staff/rule_form.html",
            {"nurse": nurse, "form": form, "creating": True},
            status=422,
        )
    site = access_rule_site(request.user, nurse, form.cleaned_data["site"])
    cd = form.cleaned_data

    def create(confirm: bool) -> None:
        with transaction.atomic():  # several weekdays: all of them or none
            for weekday in cd["weekdays"]:
                availability_rule_create(
                    nurse=nurse,
                    site=site,
                    weekday=weekday,
                    start_time=cd["start_time"],
                    end_time=cd["end_time"],
                    valid_from=cd["valid_from"],
                    valid_to=cd["valid_to"],
                    remote=cd["remote"],
                    actor=signed_in(request.user),
                    confirm_stranded=confirm,
                )

    return _handle(request, nurse, form, "frontend/staff/rule_form.html", create, creating=True)


@staff_required
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = access_rule(request.user, rule_id)
    nurse = rule.nurse
    sites = _editable_sites(request, nurse)
    initial = {
        "site": rule.site_id,
        "weekdays": rule.weekday,
        "start_time": rule.start_time,
        "end_time": rule.end_time,
        "valid_from": rule.valid_from,
        "valid_to": rule.valid_to,
        "remote": rule.remote,
    }
    if request.method != "POST":
        form = RuleForm(initial=initial, sites=sites, single_day=True)
        return render_staff(
            request, "frontend/staff/rule_form.html", {"nurse": nurse, "form": form, "rule": rule}
        )
    form = RuleForm(request.POST, initial=initial, sites=sites, single_day=True)
    if not form.is_valid():
        return render_staff(
            request,
            "frontend/staff/rule_form.html",
            {"nurse": nurse, "form": form, "rule": rule},
            status=422,
        )
    cd = form.cleaned_data

    def update(confirm: bool) -> None:
        availability_rule_update(
            rule=rule,
            weekday=cd["weekdays"],
            start_time=cd["start_time"],
            end_time=cd["end_time"],
            valid_from=cd["valid_from"],
            valid_to=cd["valid_to"],
            remote=cd["remote"],
            actor=signed_in(request.user),
            confirm_stranded=confirm,
        )

    return _handle(request, nurse, form, "frontend/staff/rule_form.html", update, rule=rule)


@staff_required
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = access_rule(request.user, rule_id)
    nurse = rule.nurse
    if request.method != "POST":
        return render_staff(
            request, "frontend/staff/rule_delete.html", {"nurse": nurse, "rule": rule}
        )
    try:
        availability_rule_delete(
            rule=rule,
            actor=signed_in(request.user),
            confirm_stranded=request.POST.get("confirm_stranded") == "on",
        )
    except StrandedBookingsError as exc:
        return render_staff(
            request,
            "frontend/staff/rule_delete.html",
            {"nurse": nurse, "rule": rule, "stranded": exc.bookings},
            status=409,
        )
    messages.success(request, _("Removed."))
    return redirect(_page_url(nurse, request))


@require_POST
@staff_required
def time_off_create_view(request: HttpRequest) -> HttpResponse:
    nurse = access_nurse_schedule(request.user, _nurse_param(request))
    if nurse is None:
        raise Http404
    form = TimeOffForm(request.POST, tz=nurse.municipality.tz)
    if not form.is_valid():
        return render_staff(
            request,
            "frontend/staff/time_off_form.html",
            {"nurse": nurse, "form": form, "creating": True},
            status=422,
        )
    cd = form.cleaned_data

    def create(confirm: bool) -> None:
        time_off_create(
            nurse=nurse,
            start=cd["start"],
            end=cd["end"],
            weekly_until=cd["weekly_until"],
            reason=cd["reason"],
            actor=signed_in(request.user),
            confirm_stranded=confirm,
        )

    return _handle(request, nurse, form, "frontend/staff/time_off_form.html", create, creating=True)


@staff_required
def time_off_edit(request: HttpRequest, off_id: int) -> HttpResponse:
    off = access_time_off(request.user, off_id)
    nurse = off.nurse
    tz = nurse.municipality.tz
    start, end = off.start.astimezone(tz), off.end.astimezone(tz)
    whole_days = start.time() == dt.time(0) and end.time() == dt.time(0)
    initial = {
        "date_from": start.date(),
        "date_to": (end - dt.timedelta(days=1)).date() if whole_days else end.date(),
        "start_time": None if whole_days else start.time(),
        "end_time": None if whole_days else end.time(),
        "weekly_until": off.weekly_until,
        "reason": off.reason,
    }
    if request.method != "POST":
        form = TimeOffForm(initial=initial, tz=tz)
        return render_staff(
            request, "frontend/staff/time_off_form.html", {"nurse": nurse, "form": form, "off": off}
        )
    form = TimeOffForm(request.POST, tz=tz)
    if not form.is_valid():
        return render_staff(
            request,
            "frontend/staff/time_off_form.html",
            {"nurse": nurse, "form": form, "off": off},
            status=422,
        )
    cd = form.cleaned_data

    def update(confirm: bool) -> None:
        time_off_update(
            time_off=off,
            start=cd["start"],
            end=cd["end"],
            weekly_until=cd["weekly_until"],
            reason=cd["reason"],
            actor=signed_in(request.user),
            confirm_stranded=confirm,
        )

    return _handle(request, nurse, form, "frontend/staff/time_off_form.html", update, off=off)


@require_POST
@staff_required
def time_off_delete_view(request: HttpRequest, off_id: int) -> HttpResponse:
    off = access_time_off(request.user, off_id)
    nurse = off.nurse
    time_off_delete(time_off=off, actor=signed_in(request.user))
    messages.success(request, _("Removed."))
    return redirect(_page_url(nurse, request))

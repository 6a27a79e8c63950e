"""The district nurse's home visits (issue 15): her day of visit blocks with the visits in route
order, address and map link, and confirming a visit's exact time (she is then told)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from scheduling.access import access_home_visit, signed_in, visit_blocks_visible_to
from scheduling.errors import BookingError
from scheduling.home_visit_selectors import visit_day
from scheduling.home_visit_services import home_visit_confirm
from scheduling.staff_services import access_log_record

from .common import render_staff, staff_sites, today_in, tz_of
from .decorators import staff_required
from .forms import DATE, TIME, BoundedDateField


class VisitDayForm(forms.Form):
    date = BoundedDateField(label=gettext_lazy("Day"), required=False, widget=DATE)


class VisitTimeForm(forms.Form):
    time = forms.TimeField(label=gettext_lazy("Time"), widget=TIME)


@staff_required
def visits(request: HttpRequest) -> HttpResponse:
    tz = tz_of(staff_sites(request))
    form = VisitDayForm(request.GET or None)
    day = (form.cleaned_data.get("date") if form.is_valid() else None) or today_in(tz)
    blocks = visit_day(visit_blocks_visible_to(request.user), day)
    residents = [s.visit.pregnancy.resident for b in blocks for s in b.stops]
    if residents:
        access_log_record(user=signed_in(request.user), residents=residents, action="visits")
    return render_staff(
        request,
        "frontend/staff/visits.html",
        {
            "form": form,
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
    except BookingError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Time confirmed. She will get a message."))
    return redirect(url)

"""She asks for a home visit herself (issue 15): her address, a day and a morning or afternoon.
The district nurse then confirms the exact time and she gets a message (scheduling
.home_visit_services). Staff do the same on the phone from the pregnancy timeline.

Until the day before, she changes the day or cancels from the same page (reached from
/bookings/), as calmly as a booking: a page that says what will happen, then one button
(scheduling.home_visit_changes; she is told by message too)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scheduling.contact_models import Contact
from scheduling.home_visit_changes import home_visit_cancel, home_visit_move
from scheduling.home_visit_models import HomeVisit
from scheduling.home_visit_services import home_visit_request, resident_address_save
from scheduling.models import Resident
from scheduling.selectors import pregnancy_current
from yurikago.errors import DomainError

from .bookings import resident_login_required

DAYS_AHEAD = 60


class HomeVisitMoveForm(forms.Form):
    """A day (tomorrow to DAYS_AHEAD ahead) and a morning or an afternoon."""

    date = forms.DateField(
        label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    half = forms.ChoiceField(
        label=gettext_lazy("Half day"),
        choices=[("am", gettext_lazy("Morning")), ("pm", gettext_lazy("Afternoon"))],
        widget=forms.RadioSelect,
    )

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        today = timezone.localdate()
        if not today < day <= today + dt.timedelta(days=DAYS_AHEAD):
            raise forms.ValidationError(_("Choose a day from tomorrow on."))
        return day


class HomeVisitRequestForm(HomeVisitMoveForm):
    """Her address, then the day and half-day."""

    field_order = ["postcode", "town", "building", "date", "half"]

    postcode = forms.CharField(
        label=gettext_lazy("Postcode"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    town = forms.CharField(
        label=gettext_lazy("Town and chōme (町丁)"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level3"}),
    )
    building = forms.CharField(label=gettext_lazy("Building, room"), max_length=200, required=False)


def _her_contact(resident: Resident, code: str) -> Contact:
    contact = Contact.objects.filter(
        municipality_id=resident.municipality_id,
        code=code,
        kind=Contact.Kind.HOME_VISIT,
        is_active=True,
    ).first()
    if contact is None:
        raise Http404
    return contact


@resident_login_required
def request_visit(request: HttpRequest, contact_code: str) -> HttpResponse:
    resident = getattr(request.user, "resident", None)
    pregnancy = pregnancy_current(resident) if resident is not None else None
    if resident is None or pregnancy is None:
        raise Http404
    timezone.activate(resident.municipality.tz)
    contact = _her_contact(resident, contact_code)
    visit = (
        HomeVisit.objects.filter(
            pregnancy=pregnancy,
            contact=contact,
            status__in=[HomeVisit.Status.REQUESTED, HomeVisit.Status.CONFIRMED],
        )
        .order_by("-id")
        .first()
    )
    address = getattr(resident, "address", None)
    initial: dict[str, Any] = (
        {"postcode": address.postcode, "town": address.town, "building": address.building}
        if address is not None
        else {}
    )
    form = HomeVisitRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and visit is None and form.is_valid():
        cd = form.cleaned_data
        try:
            resident_address_save(
                resident=resident,
                postcode=cd["postcode"],
                town=cd["town"],
                building=cd["building"],
            )
            home_visit_request(
                pregnancy=pregnancy, contact=contact, date=cd["date"], half=cd["half"]
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("Thank you. We will send you the time of the visit."))
            return redirect(reverse("frontend:my_bookings") + f"#contact-{contact.code}")
    return render(
        request,
        "frontend/home_visit.html",
        {
            "municipality": resident.municipality,
            "contact": contact,
            "contact_name": contact.name_in(request.LANGUAGE_CODE),
            "visit": visit,
            "can_change": visit is not None and visit.date > timezone.localdate(),
            "form": form,
        },
        status=422 if request.method == "POST" and form.errors else 200,
    )


def _her_visit(request: HttpRequest, contact_code: str) -> tuple[Resident, Contact, HomeVisit]:
    """Her arranged visit for this contact; 404 when she has none (nothing to change)."""
    resident = getattr(request.user, "resident", None)
    pregnancy = pregnancy_current(resident) if resident is not None else None
    if resident is None or pregnancy is None:
        raise Http404
    timezone.activate(resident.municipality.tz)
    contact = _her_contact(resident, contact_code)
    visit = (
        HomeVisit.objects.filter(
            pregnancy=pregnancy,
            contact=contact,
            status__in=[HomeVisit.Status.REQUESTED, HomeVisit.Status.CONFIRMED],
        )
        .select_related("pregnancy__resident__municipality")
        .order_by("-id")
        .first()
    )
    if visit is None:
        raise Http404
    return resident, contact, visit


def _back(contact: Contact) -> str:
    return reverse("frontend:my_bookings") + f"#contact-{contact.code}"


@resident_login_required
def cancel_visit(request: HttpRequest, contact_code: str) -> HttpResponse:
    resident, contact, visit = _her_visit(request, contact_code)
    error = ""
    if request.method == "POST":
        try:
            home_visit_cancel(visit=visit, by_staff=False)
        except DomainError as exc:
            error = str(exc.message)
        else:
            messages.success(
                request, _("Your home visit is cancelled. We have sent you a message.")
            )
            return redirect(_back(contact))
    return render(
        request,
        "frontend/home_visit_cancel.html",
        {
            "municipality": resident.municipality,
            "contact_name": contact.name_in(request.LANGUAGE_CODE),
            "contact": contact,
            "visit": visit,
            "error": error,
        },
        status=422 if error else 200,
    )


@resident_login_required
def move_visit(request: HttpRequest, contact_code: str) -> HttpResponse:
    resident, contact, visit = _her_visit(request, contact_code)
    form = HomeVisitMoveForm(request.POST or None, initial={"half": visit.half})
    if request.method == "POST" and form.is_valid():
        try:
            home_visit_move(
                visit=visit,
                date=form.cleaned_data["date"],
                half=form.cleaned_data["half"],
                by_staff=False,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(
                request, _("The day of your visit is changed. We will send you the time.")
            )
            return redirect(_back(contact))
    return render(
        request,
        "frontend/home_visit_move.html",
        {
            "municipality": resident.municipality,
            "contact_name": contact.name_in(request.LANGUAGE_CODE),
            "contact": contact,
            "visit": visit,
            "form": form,
        },
        status=422 if request.method == "POST" and form.errors else 200,
    )

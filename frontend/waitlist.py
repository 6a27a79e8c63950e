"""The waitlist, her side (issue 16): from a full day or from her booking she asks to be told
when an earlier time frees up at the places and dates she chooses (/waitlist/); an offer's link
(/waitlist/offers/<token>/) shows the time kept for her, to take or to let go. Both need her
signed in; the offer page answers 404 to anyone else (scheduling.access)."""

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

from scheduling.access import access_waitlist_offer, signed_in
from scheduling.contacts import contact_for_interview_type
from scheduling.models import Booking, Pregnancy, Resident, Site
from scheduling.selectors import interview_type_default, pregnancy_current
from scheduling.waitlist_models import WaitlistEntry, WaitlistOffer
from scheduling.waitlist_services import (
    waitlist_join,
    waitlist_leave,
    waitlist_offer_accept,
    waitlist_offer_decline,
)
from yurikago.errors import DomainError

from .bookings import resident_login_required

DAYS_AHEAD = 60


class WaitlistForm(forms.Form):
    sites = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Places"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    date_from = forms.DateField(
        label=gettext_lazy("First day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Last day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, sites: list[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["sites"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s.pk, s.name) for s in sites]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        today = timezone.localdate()
        if start and end:
            if end < start:
                self.add_error("date_to", _("Choose a day after the first one."))
            elif end > today + dt.timedelta(days=DAYS_AHEAD):
                self.add_error("date_to", _("Choose a day in the next two months."))
        return data


def _hers(request: HttpRequest) -> tuple[Resident, Pregnancy]:
    resident = getattr(request.user, "resident", None)
    pregnancy = pregnancy_current(resident) if resident is not None else None
    if resident is None or pregnancy is None:
        raise Http404
    timezone.activate(resident.municipality.tz)
    return resident, pregnancy


def _initial(request: HttpRequest, booking: Booking | None) -> dict[str, Any]:
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = None
    end = day or (
        booking.start.astimezone(timezone.get_current_timezone()).date() if booking else None
    )
    initial: dict[str, Any] = {
        "date_from": today + dt.timedelta(days=1),
        "date_to": end or today + dt.timedelta(days=14),
    }
    site = request.GET.get("site", "")
    initial["sites"] = [int(site)] if site.isdigit() else ([booking.site_id] if booking else [])
    return initial


@resident_login_required
def waitlist(request: HttpRequest) -> HttpResponse:
    resident, pregnancy = _hers(request)
    municipality = resident.municipality
    sites = list(Site.objects.filter(municipality=municipality, is_active=True).order_by("id"))
    booking = (
        Booking.objects.filter(pregnancy=pregnancy, status=Booking.Status.CONFIRMED)
        .order_by("start")
        .first()
    )
    entry = (
        WaitlistEntry.objects.filter(pregnancy=pregnancy, status=WaitlistEntry.Status.ACTIVE)
        .prefetch_related("sites")
        .first()
    )
    form = WaitlistForm(request.POST or None, sites=sites, initial=_initial(request, booking))
    if request.method == "POST" and entry is None and form.is_valid():
        itype = booking.interview_type if booking else interview_type_default(municipality)
        contact = booking.contact if booking else contact_for_interview_type(itype)
        try:
            waitlist_join(
                pregnancy=pregnancy,
                interview_type=itype,
                sites=[s for s in sites if s.pk in form.cleaned_data["sites"]],
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
                contact=contact,
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("We will tell you when an earlier time frees up."))
            return redirect("waitlist:waitlist")
    offer = (
        WaitlistOffer.objects.filter(entry=entry, status=WaitlistOffer.Status.PENDING)
        .select_related("site")
        .first()
        if entry
        else None
    )
    return render(
        request,
        "frontend/waitlist.html",
        {
            "municipality": municipality,
            "form": form,
            "entry": entry,
            "booking": booking,
            "offer": offer,
        },
    )


@resident_login_required
def leave(request: HttpRequest) -> HttpResponse:
    _resident, pregnancy = _hers(request)
    if request.method != "POST":
        return redirect("waitlist:waitlist")
    entry = WaitlistEntry.objects.filter(
        pregnancy=pregnancy, status=WaitlistEntry.Status.ACTIVE
    ).first()
    if entry is not None:
        waitlist_leave(entry=entry)
        messages.success(request, _("You have left the list for an earlier time."))
    return redirect("waitlist:waitlist")


@resident_login_required
def offer(request: HttpRequest, token: str) -> HttpResponse:
    found = access_waitlist_offer(request.user, token)
    timezone.activate(found.site.municipality.tz)
    pregnancy = found.entry.pregnancy
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "decline":
                waitlist_offer_decline(offer=found)
                messages.success(request, _("Thank you: we will offer this time to someone else."))
                return redirect("waitlist:waitlist")
            accepted = waitlist_offer_accept(
                offer=found, pregnancy=pregnancy, actor=signed_in(request.user)
            )
        except DomainError as exc:
            error = str(exc.message)
            found.refresh_from_db()
        else:
            messages.success(request, _("Your booking is now at this earlier time."))
            return redirect(reverse("frontend:booking", args=[accepted.booking.reference]))
    live = found.status == WaitlistOffer.Status.PENDING and found.expires_at > timezone.now()
    return render(
        request,
        "frontend/waitlist_offer.html",
        {
            "municipality": found.site.municipality,
            "offer": found,
            "live": live,
            "error": error,
        },
        status=409 if error else 200,
    )


def offer_short(request: HttpRequest, token: str) -> HttpResponse:
    """/w/<token>/, the link in her SMS: on to the offer's page (which decides who may see it)."""
    return redirect("waitlist:offer", token=token)

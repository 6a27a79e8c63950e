"""My bookings: the confirmation page, the calendar file, cancel and reschedule.

Her bookings only: every page goes through scheduling.access, which answers 404 both for a
booking that does not exist and for one that is not hers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.models import Message
from scheduling.access import access_booking, signed_in
from scheduling.availability import (
    Slot,
    booking_window,
    cancel_deadline,
    days_with_slots,
    open_slots,
)
from scheduling.calendars.ics import booking_ics, booking_location
from scheduling.contacts import ContactLine, pregnancy_contacts, remote_way
from scheduling.home_visit_models import HomeVisit
from scheduling.home_visit_selectors import active_visits_by_contact
from scheduling.models import Booking, Mode, Resident, Site
from scheduling.selectors import bookings_for_resident, pregnancy_current, sites_for
from scheduling.services import booking_cancel, booking_reschedule
from yurikago.errors import DomainError

from . import calendar as cal
from .forms import CancelForm
from .templatetags.resident import municipality_url

View = Callable[..., HttpResponse]
# A day with nothing free offers what comes next within this many days.
NEXT_FREE_SEARCH_DAYS = 20


def resident_login_required(view: View) -> View:
    """Like login_required, but to the residents' code sign-in, not the staff password page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("frontend:login"))
        return view(request, *args, **kwargs)

    return wrapper


def _booking(request: HttpRequest, reference: str) -> Booking:
    booking = access_booking(request.user, reference)
    timezone.activate(booking.municipality.tz)
    return booking


def _deadline(booking: Booking) -> dt.datetime:
    return cancel_deadline(booking.municipality, booking.interview_type, booking.start)


def _can_change(booking: Booking) -> bool:
    return booking.status == Booking.Status.CONFIRMED and timezone.now() <= _deadline(booking)


def google_calendar_url(booking: Booking, title: str, page_url: str) -> str:
    """A plain link; Google receives nothing until she taps it."""
    fmt = "%Y%m%dT%H%M%SZ"
    params = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{booking.start.astimezone(dt.UTC):{fmt}}/{booking.end.astimezone(dt.UTC):{fmt}}",
        "location": booking_location(booking),
        "details": page_url,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


def map_url(site: Site) -> str:
    return "https://www.google.com/maps/search/?" + urlencode(
        {"api": "1", "query": f"{site.address} {site.name}"}
    )


@dataclass(frozen=True)
class ContactCard:
    """One contact of her pregnancy on her bookings page: where it stands and how it happens."""

    line: ContactLine
    name: str
    bring: str
    book_url: str
    # A home visit she has asked for (issue 15): its day or time, and the way to change it.
    visit: HomeVisit | None = None


def _contact_cards(resident: Resident | None, now: dt.datetime) -> list[ContactCard]:
    """Her ongoing pregnancy's contacts (issue 15), in a fixed number of queries."""
    pregnancy = pregnancy_current(resident) if resident is not None else None
    if resident is None or pregnancy is None:
        return []
    language = get_language() or "ja"
    code = resident.municipality.code
    cards = []
    lines = pregnancy_contacts(pregnancy, now=now, municipality_id=resident.municipality_id)
    home_visits = any(line.contact.kind == "home_visit" for line in lines)
    visits = active_visits_by_contact(pregnancy) if home_visits else {}  # one query more
    for line in lines:
        contact = line.contact
        bookable = line.bookable and contact.interview_type is not None
        cards.append(
            ContactCard(
                line=line,
                name=contact.name_in(language),
                # A call or a questionnaire needs nothing brought anywhere.
                bring="" if contact.is_remote else contact.bring_in(language),
                book_url=municipality_url(code, "where")
                + "?"
                + urlencode({"contact": contact.code})
                if bookable
                else "",
                visit=visits.get(contact.pk),
            )
        )
    return cards


@resident_login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    resident = getattr(request.user, "resident", None)
    now = timezone.now()
    bookings = list(bookings_for_resident(resident)) if resident is not None else []
    upcoming = sorted(
        (b for b in bookings if b.status == Booking.Status.CONFIRMED and b.start >= now),
        key=lambda b: b.start,
    )
    past = [b for b in bookings if b not in upcoming]
    municipality = resident.municipality if resident is not None else None
    if municipality is not None:
        timezone.activate(municipality.tz)
    return render(
        request,
        "frontend/my_bookings.html",
        {
            "municipality": municipality,
            "upcoming": upcoming,
            "past": past,
            "contacts": _contact_cards(resident, now),
        },
    )


def _messages_owed(booking: Booking) -> tuple[bool, list[tuple[dt.datetime, str]]]:
    """Whether a confirmation went out, and each reminder still to come with its channels
    ("sms", "email" or "both"): what the page promises is what the outbox holds."""
    rows = Message.objects.filter(
        booking=booking,
        purpose__in=[Message.Purpose.CONFIRMATION, Message.Purpose.REMINDER],
    ).exclude(status__in=[Message.Status.CANCELLED, Message.Status.SKIPPED])
    confirmed = False
    reminders: dict[dt.datetime, set[str]] = {}
    now = timezone.now()
    for purpose, channel, send_at, status in rows.values_list(
        "purpose", "channel", "send_at", "status"
    ):
        if purpose == Message.Purpose.CONFIRMATION:
            confirmed = True
        elif status == Message.Status.PENDING and send_at > now:
            reminders.setdefault(send_at, set()).add(channel)
    return confirmed, [
        (when, "both" if len(channels) > 1 else next(iter(channels)))
        for when, channels in sorted(reminders.items())
    ]


@resident_login_required
def booking_detail(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _booking(request, reference)
    title = _("%(municipality)s booking %(reference)s") % {
        "municipality": booking.municipality.name,
        "reference": booking.display_reference,
    }
    page_url = request.build_absolute_uri(reverse("frontend:booking", args=[booking.reference]))
    confirmation_sent, reminders = _messages_owed(booking)
    return render(
        request,
        "frontend/booking.html",
        {
            "municipality": booking.municipality,
            "booking": booking,
            "is_new": request.GET.get("new") == "1" and booking.status == Booking.Status.CONFIRMED,
            "deadline": _deadline(booking),
            "can_change": _can_change(booking),
            "google_url": google_calendar_url(booking, title, page_url),
            "map_url": map_url(booking.site) if booking.mode == Mode.IN_PERSON else "",
            "remote": remote_way(booking),
            "confirmation_sent": confirmation_sent,
            "reminders": reminders,
        },
    )


@resident_login_required
def booking_calendar_file(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _booking(request, reference)
    response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.reference}.ics"'
    return response


@resident_login_required
def cancel(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _booking(request, reference)
    form = CancelForm(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            booking_cancel(
                booking=booking, actor=signed_in(request.user), reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Your booking is cancelled. We have sent you a notice."))
            return redirect("frontend:booking", booking.reference)
    return render(
        request,
        "frontend/cancel.html",
        {
            "municipality": booking.municipality,
            "booking": booking,
            "form": form,
            "deadline": _deadline(booking),
            "can_change": _can_change(booking),
            "error": error,
        },
        status=422 if error else 200,
    )


def _change_context(request: HttpRequest, booking: Booking) -> dict[str, Any]:
    sites = list(sites_for(booking.municipality))
    for s in sites:
        s.municipality = booking.municipality  # booking_window reads it; spare a query per site
    code = request.GET.get("site") or request.POST.get("site_code") or booking.site.code
    site = next((s for s in sites if s.code == code), booking.site)
    return {
        "municipality": booking.municipality,
        "booking": booking,
        "sites": sites,
        "site": site,
        "site_code": site.code,
        "mode": booking.mode,
        "itype": booking.interview_type,
    }


@resident_login_required
def change_month(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _booking(request, reference)
    if not _can_change(booking):
        return _too_late(request, booking)
    ctx = _change_context(request, booking)
    site, itype, now = ctx["site"], booking.interview_type, timezone.now()
    earliest, last = booking_window(site, itype, now)
    first = timezone.localdate(earliest)
    shown = cal.month_of(request.GET.get("month"), first, last)
    month_end = cal.add_months(shown, 1) - dt.timedelta(days=1)
    slots = open_slots(
        municipality=booking.municipality,
        interview_type=itype,
        date_from=max(shown, first),
        date_to=min(month_end, last),
        site_ids=[site.id],
        mode=booking.mode,
        now=now,
        exclude_booking_id=booking.pk,
    )
    base = reverse("frontend:change", args=[booking.reference])

    def day_url(day: dt.date) -> str:
        return reverse("frontend:change_day", args=[booking.reference, day.isoformat()]) + (
            "?" + urlencode({"site": site.code})
        )

    prev_month = cal.add_months(shown, -1) if shown > first.replace(day=1) else None
    next_month = cal.add_months(shown, 1) if shown < last.replace(day=1) else None
    counts = days_with_slots(slots, booking.municipality.tz)
    return render(
        request,
        "frontend/change_month.html",
        {
            **ctx,
            "month": shown,
            "weeks": cal.month_weeks(shown, counts, day_url),
            "has_free": bool(counts),
            "prev_url": base + "?" + urlencode({"site": site.code, "month": f"{prev_month:%Y-%m}"})
            if prev_month
            else "",
            "next_url": base + "?" + urlencode({"site": site.code, "month": f"{next_month:%Y-%m}"})
            if next_month
            else "",
        },
    )


def _render_change_day(
    request: HttpRequest,
    booking: Booking,
    chosen_day: dt.date,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    ctx = _change_context(request, booking)
    site = ctx["site"]
    slots = [
        s
        for s in open_slots(
            municipality=booking.municipality,
            interview_type=booking.interview_type,
            date_from=chosen_day,
            date_to=chosen_day,
            site_ids=[site.id],
            mode=booking.mode,
            exclude_booking_id=booking.pk,
        )
        if s.start != booking.start or site.pk != booking.site_id
    ]
    by_id = {s.id: s for s in ctx["sites"]}
    alternatives = [
        (s, by_id[s.site_id]) for s in (error.alternatives if error else []) if s.site_id in by_id
    ]
    searched = not slots and error is None
    next_here, elsewhere = (
        _next_free_for_change(booking, site, chosen_day) if searched else (None, [])
    )

    def day_url(slot: Slot, code: str) -> str:
        day = slot.start.astimezone(booking.municipality.tz).date()
        return reverse("frontend:change_day", args=[booking.reference, day.isoformat()]) + (
            "?" + urlencode({"site": code})
        )

    template = (
        "frontend/_times.html"
        if request.headers.get("HX-Request")
        else ("frontend/change_day.html")
    )
    return render(
        request,
        template,
        {
            **ctx,
            "day": chosen_day,
            "groups": cal.group_by_site(slots, by_id),
            "hold_url": reverse("frontend:change", args=[booking.reference]),
            "month_url": reverse("frontend:change", args=[booking.reference])
            + "?"
            + urlencode({"site": site.code, "month": f"{chosen_day:%Y-%m}"}),
            "error": error,
            "is_change": True,
            "alternatives": alternatives,
            "searched": searched,
            "next_here": next_here,
            "next_here_url": day_url(next_here, site.code) if next_here else "",
            "elsewhere": [
                (s, by_id[s.site_id], day_url(s, by_id[s.site_id].code))
                for s in elsewhere
                if s.site_id in by_id
            ],
            "late_starts": cal.starts_past_change_deadline(
                booking.municipality,
                booking.interview_type,
                [*slots, *(s for s, _site in alternatives)],
                timezone.now(),
            ),
        },
        status=status,
    )


def _next_free_for_change(
    booking: Booking, site: Site, chosen_day: dt.date
) -> tuple[Slot | None, list[Slot]]:
    """For a day with nothing free: the next free time at the place shown and the earliest at
    each other place, her own time left out. One availability load (first day per site)."""
    slots = [
        s
        for s in open_slots(
            municipality=booking.municipality,
            interview_type=booking.interview_type,
            date_from=chosen_day,
            date_to=chosen_day + dt.timedelta(days=NEXT_FREE_SEARCH_DAYS),
            mode=booking.mode,
            exclude_booking_id=booking.pk,
            first_day_only=True,
        )
        if (s.site_id, s.start) != (booking.site_id, booking.start)
    ]
    here = next((s for s in slots if s.site_id == site.pk), None)
    elsewhere: dict[int, Slot] = {}
    for slot in slots:
        if slot.site_id != site.pk:
            elsewhere.setdefault(slot.site_id, slot)
    return here, sorted(elsewhere.values(), key=lambda s: (s.start, s.site_id))


@resident_login_required
def change_day(request: HttpRequest, reference: str, date: str) -> HttpResponse:
    booking = _booking(request, reference)
    if not _can_change(booking):
        return _too_late(request, booking)
    try:
        chosen_day = dt.date.fromisoformat(date)
    except ValueError:
        raise Http404 from None
    return _render_change_day(request, booking, chosen_day)


@resident_login_required
@require_POST
def change(request: HttpRequest, reference: str) -> HttpResponse:
    """The new time is secured before the old one is released (one transaction in the core)."""
    booking = _booking(request, reference)
    sites = {str(s.id): s for s in sites_for(booking.municipality)}
    site = sites.get(request.POST.get("site", ""))
    try:
        start = dt.datetime.fromisoformat(request.POST.get("start", ""))
    except ValueError:
        start = None
    if site is None or start is None or start.tzinfo is None:
        messages.error(request, _("We could not read the time you chose. Please choose again."))
        return redirect("frontend:change", booking.reference)
    try:
        booking_reschedule(booking=booking, start=start, site=site, actor=signed_in(request.user))
    except DomainError as exc:
        if exc.code == "deadline_passed":
            return _too_late(request, booking)
        return _render_change_day(
            request, booking, timezone.localdate(start), error=exc, status=409
        )
    messages.success(request, _("Your booking has been moved. We have sent you a notice."))
    return redirect("frontend:booking", booking.reference)


def _too_late(request: HttpRequest, booking: Booking) -> HttpResponse:
    return render(
        request,
        "frontend/too_late.html",
        {
            "municipality": booking.municipality,
            "booking": booking,
            "deadline": _deadline(booking),
        },
        status=422,
    )


# `change_month` answers GET and `change` answers POST on the same URL.
def change_dispatch(request: HttpRequest, reference: str) -> HttpResponse:
    if request.method == "POST":
        return change(request, reference)
    return change_month(request, reference)

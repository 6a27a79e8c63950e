"""The resident booking flow: landing → where and how → month → day → hold → details → done.

Every step is a plain GET page or a POST form, so it all works without JavaScript; htmx only
swaps a day's times in under the calendar. The default municipality lives at "/", any other
under "/m/<code>/" (横展開): the same views with the code in the URL.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scheduling.access import access_hold
from scheduling.availability import (
    Slot,
    booking_window,
    days_with_slots,
    open_slots_cached,
    open_slots_cached_as,
)
from scheduling.errors import booking_error
from scheduling.models import Booking, Contact, InterviewType, Mode, Municipality, Site
from scheduling.selectors import (
    booking_active_for,
    interview_type_default,
    municipality_get,
    sites_for,
)
from scheduling.services import booking_hold, booking_release_hold
from yurikago.errors import DomainError

from . import calendar as cal
from .limits import TOO_MANY_HOLDS, hold_allowed
from .templatetags.resident import municipality_url

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # for the type checker only

    from .forms import DetailsForm

ANY_SITE = "any"
# The where page looks this many days ahead for each site's first free time, in two steps.
EARLIEST_SEARCH_DAYS = (6, 20)
# A day with nothing free offers what comes next within this many days.
ELSEWHERE_SEARCH_DAYS = 20
SESSION_HOLD_OWNER = "hold_owner"


# --- helpers ------------------------------------------------------------------------------------


def _municipality(muni: str | None) -> Municipality:
    municipality = municipality_get(muni)
    timezone.activate(municipality.tz)
    return municipality


def _sites(municipality: Municipality) -> list[Site]:
    sites = list(sites_for(municipality))
    for site in sites:
        site.municipality = municipality  # booking_window reads it; spare a query per site
    return sites


def _hold_owner(request: HttpRequest) -> str:
    """A random token in the session. Not the session key: login rotates that, and she may sign
    in half-way through (her number already has an account) without losing her time."""
    owner = request.session.get(SESSION_HOLD_OWNER)
    if not owner:
        owner = secrets.token_urlsafe(24)
        request.session[SESSION_HOLD_OWNER] = owner
    return owner


def _flow_type(request: HttpRequest, municipality: Municipality) -> InterviewType:
    """The interview type this flow books: her chosen contact's (?contact=<code>, from her
    bookings page), else the municipality's default. The contact rides on the type
    (`flow_contact`), so every link and form of the flow keeps it (`_query`, the hold forms)."""
    code = request.GET.get("contact") or request.POST.get("contact") or ""
    if not code:
        return interview_type_default(municipality)
    contact = (
        Contact.objects.select_related("interview_type")
        .filter(
            municipality=municipality,
            code=code,
            is_active=True,
            needs_booking=True,
            interview_type__is_active=True,
        )
        .first()
    )
    if contact is None or contact.interview_type is None:
        raise Http404
    itype = contact.interview_type
    itype.flow_contact = contact  # type: ignore[attr-defined]
    return itype


def flow_contact(itype: InterviewType) -> Contact | None:
    contact: Contact | None = getattr(itype, "flow_contact", None)
    return contact


def _existing(request: HttpRequest, itype: InterviewType) -> Booking | None:
    """Her active booking for the contact this flow books (a new one would be refused)."""
    return booking_active_for(request.user, interview_type=itype, contact=flow_contact(itype))


def _actor(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _mode(request: HttpRequest, itype: InterviewType) -> str:
    mode = request.GET.get("mode") or request.POST.get("mode") or ""
    return mode if mode in itype.modes else (itype.modes[0] if itype.modes else Mode.IN_PERSON)


def _chosen_sites(request: HttpRequest, sites: list[Site]) -> tuple[str, list[Site]]:
    code = request.GET.get("site") or ANY_SITE
    if code == ANY_SITE:
        return ANY_SITE, sites
    chosen = [s for s in sites if s.code == code]
    return (code, chosen) if chosen else (ANY_SITE, sites)


def _query(site: str, mode: str, itype: InterviewType, **extra: str) -> str:
    params = {"site": site, **extra}
    if len(itype.modes) > 1:
        params["mode"] = mode
    contact = flow_contact(itype)
    if contact is not None:
        params["contact"] = contact.code
    return "?" + urlencode(params)


def _window(sites: list[Site], itype: InterviewType, now: dt.datetime) -> tuple[dt.date, dt.date]:
    today = timezone.localdate(now)
    if not sites:
        return today, today
    windows = [booking_window(site, itype, now) for site in sites]
    first = min(timezone.localdate(earliest) for earliest, _ in windows)
    return first, max(last for _, last in windows)


def _base(municipality: Municipality, **context: Any) -> dict[str, Any]:
    return {"municipality": municipality, **context}


# --- pages --------------------------------------------------------------------------------------


def landing(request: HttpRequest, muni: str | None = None) -> HttpResponse:
    municipality = _municipality(muni)
    itype = interview_type_default(municipality)
    return render(request, "frontend/landing.html", _base(municipality, itype=itype))


def where(request: HttpRequest, muni: str | None = None) -> HttpResponse:
    municipality = _municipality(muni)
    itype = _flow_type(request, municipality)
    contact = flow_contact(itype)
    if contact is not None and contact.is_remote:
        # No place to choose for a call: straight to the days she can have one.
        return redirect(
            municipality_url(municipality.code, "month")
            + _query(ANY_SITE, _mode(request, itype), itype)
        )
    sites = _sites(municipality)
    mode = _mode(request, itype)
    first_by_site = _first_free_by_site(municipality, itype, sites, mode)
    by_id = {s.id: s for s in sites}
    earliest = min(
        first_by_site.values(), key=lambda slot: (slot.start, slot.site_id), default=None
    )
    return render(
        request,
        "frontend/where.html",
        _base(
            municipality,
            itype=itype,
            mode=mode,
            modes=_mode_choices(itype),
            sites=[(site, first_by_site.get(site.id)) for site in sites],
            earliest=earliest,
            earliest_site=by_id.get(earliest.site_id) if earliest else None,
            existing=_existing(request, itype),
            contact_q="&" + urlencode({"contact": contact.code}) if contact else "",
        ),
    )


def _first_free_by_site(
    municipality: Municipality, itype: InterviewType, sites: list[Site], mode: str
) -> dict[int, Slot]:
    """The first free slot of each site: this week first, then further only for the sites that
    had none (most have one within days, and a shorter range is much cheaper to compute)."""
    now = timezone.now()
    today = timezone.localdate(now)
    found: dict[int, Slot] = {}
    date_from = today
    for days in EARLIEST_SEARCH_DAYS:
        wanted = [s.id for s in sites if s.id not in found]
        if not wanted:
            break
        date_to = today + dt.timedelta(days=days)
        for slot in open_slots_cached(
            municipality=municipality,
            interview_type=itype,
            date_from=date_from,
            date_to=date_to,
            site_ids=wanted,
            mode=mode,
            now=now,
        ):
            found.setdefault(slot.site_id, slot)
        date_from = date_to + dt.timedelta(days=1)
    return found


def _mode_choices(itype: InterviewType) -> list[tuple[str, StrOrPromise]]:
    labels = dict(Mode.choices)
    return [(m, labels[m]) for m in itype.modes if m in labels]


def month(request: HttpRequest, muni: str | None = None) -> HttpResponse:
    municipality = _municipality(muni)
    itype = _flow_type(request, municipality)
    sites = _sites(municipality)
    code, chosen = _chosen_sites(request, sites)
    mode = _mode(request, itype)
    now = timezone.now()
    first, last = _window(chosen, itype, now)
    shown = cal.month_of(request.GET.get("month"), first, last)
    month_end = cal.add_months(shown, 1) - dt.timedelta(days=1)
    slots = open_slots_cached(
        municipality=municipality,
        interview_type=itype,
        date_from=max(shown, first),
        date_to=min(month_end, last),
        site_ids=[s.id for s in chosen],
        mode=mode,
        now=now,
    )
    counts = days_with_slots(slots, municipality.tz)

    def day_url(day: dt.date) -> str:
        return municipality_url(municipality.code, "day", day.isoformat()) + _query(
            code, mode, itype
        )

    prev_month = cal.add_months(shown, -1) if shown > first.replace(day=1) else None
    next_month = cal.add_months(shown, 1) if shown < last.replace(day=1) else None
    base = municipality_url(municipality.code, "month")
    contact = flow_contact(itype)
    remote = contact if contact is not None and contact.is_remote else None
    # A call or a video has no place to change: she chooses how instead (issue 15).
    mode_links = [
        (value, label, base + _query(code, value, itype, month=f"{shown:%Y-%m}"))
        for value, label in _mode_choices(itype)
    ]
    return render(
        request,
        "frontend/month.html",
        _base(
            municipality,
            itype=itype,
            mode=mode,
            site_code=code,
            site=chosen[0] if code != ANY_SITE else None,
            month=shown,
            weeks=cal.month_weeks(shown, counts, day_url),
            has_free=bool(counts),
            prev_url=base + _query(code, mode, itype, month=f"{prev_month:%Y-%m}")
            if prev_month
            else "",
            next_url=base + _query(code, mode, itype, month=f"{next_month:%Y-%m}")
            if next_month
            else "",
            where_url=municipality_url(municipality.code, "where"),
            remote_name=remote.name_in(get_language() or "ja") if remote else "",
            mode_links=mode_links if remote else [],
        ),
    )


def day(request: HttpRequest, date: str, muni: str | None = None) -> HttpResponse:
    municipality = _municipality(muni)
    itype = _flow_type(request, municipality)
    sites = _sites(municipality)
    code, chosen = _chosen_sites(request, sites)
    mode = _mode(request, itype)
    try:
        chosen_day = dt.date.fromisoformat(date)
    except ValueError:
        raise Http404 from None
    return _render_day(request, municipality, itype, sites, code, chosen, mode, chosen_day)


def _render_day(
    request: HttpRequest,
    municipality: Municipality,
    itype: InterviewType,
    sites: list[Site],
    code: str,
    chosen: list[Site],
    mode: str,
    chosen_day: dt.date,
    error: DomainError | None = None,
    status: int = 200,
    existing: Booking | None = None,
) -> HttpResponse:
    slots = open_slots_cached(
        municipality=municipality,
        interview_type=itype,
        date_from=chosen_day,
        date_to=chosen_day,
        site_ids=[s.id for s in chosen],
        mode=mode,
    )
    by_id = {s.id: s for s in sites}
    template = "frontend/_times.html" if request.headers.get("HX-Request") else "frontend/day.html"
    month_url = municipality_url(municipality.code, "month") + _query(
        code, mode, itype, month=f"{chosen_day:%Y-%m}"
    )
    alternatives = [
        (s, by_id[s.site_id]) for s in (error.alternatives if error else []) if s.site_id in by_id
    ]
    shown = [*slots, *(s for s, _site in alternatives)]
    next_here, elsewhere = (
        _next_free(municipality, itype, sites, code, chosen, mode, chosen_day)
        if not slots and error is None
        else (None, [])
    )
    return render(
        request,
        template,
        _base(
            municipality,
            itype=itype,
            mode=mode,
            mode_label=dict(Mode.choices).get(mode, mode),
            site_code=code,
            day=chosen_day,
            site=chosen[0] if code != ANY_SITE else None,
            groups=cal.group_by_site(slots, by_id),
            month_url=month_url,
            hold_url=municipality_url(municipality.code, "hold"),
            error=error,
            alternatives=alternatives,
            existing_url=reverse("frontend:booking", args=[existing.reference]) if existing else "",
            late_starts=cal.starts_past_change_deadline(municipality, itype, shown, timezone.now()),
            searched=not slots and error is None,
            next_here=next_here,
            next_here_url=_day_url(municipality, next_here, code, mode, itype),
            elsewhere=[
                (
                    slot,
                    by_id[slot.site_id],
                    _day_url(municipality, slot, by_id[slot.site_id].code, mode, itype),
                )
                for slot in elsewhere
            ],
        ),
        status=status,
    )


def _first_days(slots: list[Slot]) -> list[Slot]:
    """The rendering the availability cache keeps for `_next_free`: the slots as they are (a
    module-level function, so its name keys the cache entry)."""
    return slots


def _next_free(
    municipality: Municipality,
    itype: InterviewType,
    sites: list[Site],
    code: str,
    chosen: list[Site],
    mode: str,
    chosen_day: dt.date,
) -> tuple[Slot | None, list[Slot]]:
    """For a day with nothing free: the next free time at the place she chose (or at any
    place), and the earliest at each other place. One availability load for all sites, which
    stops each site at its first day with a free time."""
    slots = open_slots_cached_as(
        _first_days,
        municipality=municipality,
        interview_type=itype,
        date_from=chosen_day,
        date_to=chosen_day + dt.timedelta(days=ELSEWHERE_SEARCH_DAYS),
        site_ids=[s.id for s in sites],
        mode=mode,
        first_day_only=True,
    )
    chosen_ids = {s.id for s in chosen}
    here = next((s for s in slots if s.site_id in chosen_ids), None)
    elsewhere: dict[int, Slot] = {}
    if code != ANY_SITE:
        for slot in slots:
            if slot.site_id not in chosen_ids:
                elsewhere.setdefault(slot.site_id, slot)
    return here, sorted(elsewhere.values(), key=lambda s: (s.start, s.site_id))


def _day_url(
    municipality: Municipality, slot: Slot | None, code: str, mode: str, itype: InterviewType
) -> str:
    """The day page of a slot's day, for the place `code` (a site's code or "any")."""
    if slot is None:
        return ""
    day = slot.start.astimezone(municipality.tz).date()
    return municipality_url(municipality.code, "day", day.isoformat()) + _query(code, mode, itype)


@require_POST
def hold(request: HttpRequest, muni: str | None = None) -> HttpResponse:
    municipality = _municipality(muni)
    itype = _flow_type(request, municipality)
    sites = _sites(municipality)
    mode = _mode(request, itype)
    site = next((s for s in sites if str(s.id) == request.POST.get("site", "")), None)
    try:
        start = dt.datetime.fromisoformat(request.POST.get("start", ""))
    except ValueError:
        start = None
    if site is None or start is None or start.tzinfo is None:
        messages.error(request, _("We could not read the time you chose. Please choose again."))
        return redirect(municipality_url(municipality.code, "where"))
    code = request.POST.get("site_code") or ANY_SITE
    chosen = [s for s in sites if s.code == code] or sites
    code = code if len(chosen) == 1 else ANY_SITE
    existing = _existing(request, itype)
    if existing is not None:
        # Before any hold: a time she cannot book must not be blocked for ten minutes.
        return _render_day(
            request,
            municipality,
            itype,
            sites,
            code,
            chosen,
            mode,
            timezone.localdate(start),
            error=booking_error("already_booked"),
            status=409,
            existing=existing,
        )
    owner = _hold_owner(request)
    if not hold_allowed(request, owner):
        # Too many holds from this visitor: times stay free for others (frontend/limits.py).
        return _render_day(
            request,
            municipality,
            itype,
            sites,
            code,
            chosen,
            mode,
            timezone.localdate(start),
            error=DomainError("invalid", TOO_MANY_HOLDS),
            status=429,
        )
    _release_previous(request, owner)
    try:
        booking = booking_hold(
            site=site,
            interview_type=itype,
            start=start,
            mode=mode,
            actor=_actor(request),
            hold_owner=owner,
            contact=flow_contact(itype),
        )
    except DomainError as exc:
        return _render_day(
            request,
            municipality,
            itype,
            sites,
            code,
            chosen,
            mode,
            timezone.localdate(start),
            error=exc,
            status=409,
        )
    request.session["hold_ref"] = booking.reference
    return redirect(municipality_url(municipality.code, "details", booking.reference))


def _release_previous(request: HttpRequest, owner: str) -> None:
    """Picking another time gives the first one back at once, not in ten minutes."""
    previous = request.session.pop("hold_ref", None)
    if previous:
        try:
            booking_release_hold(booking=access_hold(owner, previous))
        except Http404:
            pass


def _confirm(
    request: HttpRequest, municipality: Municipality, booking: Booking, form: DetailsForm
) -> HttpResponse | None:
    """frontend.verify confirms through this module, as before the split; the step itself is in
    frontend/booking_details.py (which imports this module, so it is imported late here)."""
    from .booking_details import _confirm as confirm

    return confirm(request, municipality, booking, form)

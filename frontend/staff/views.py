"""Staff pages for a nurse's day and a booking: list, details, attendance, notes, reschedule,
cancel, and booking on a resident's behalf. Thin: parse, call one service, respond."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.outbox import message_resend
from notifications.selectors import messages_for_booking
from scheduling.access import (
    access_booking_as_staff,
    access_message_as_staff,
    access_site_as_staff,
    manager_site_ids,
    scope_for,
    signed_in,
)
from scheduling.availability import open_slots
from scheduling.contacts import bookable_contacts
from scheduling.models import Booking, BookingEvent, InterviewType, Mode, Resident
from scheduling.questionnaires import sent_answers_by_pregnancy
from scheduling.resident_services import booking_create_on_behalf
from scheduling.selectors import interview_type_default, modes_offered, pregnancy_current
from scheduling.services import booking_cancel, booking_mark_attendance, booking_reschedule
from scheduling.staff_selectors import staff_bookings
from scheduling.staff_services import (
    access_log_record,
    booking_update_staff_details,
)
from yurikago.errors import DomainError

from .common import back, render_staff, staff_sites, today_in, tz_of
from .decorators import staff_required
from .forms import (
    ATTENDANCE_OUTCOMES,
    AttendanceForm,
    CancelForm,
    OnBehalfForm,
    SlotChoiceForm,
    SlotSearchForm,
    SpanForm,
    StaffDetailsForm,
    is_mobile,
    phone_e164,
)

SLOT_SEARCH_DAYS = 14


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.nurse_id is None and manager_site_ids(request.user):
        return redirect("staff:dashboard")
    return redirect("staff:day")


# --- Her day ------------------------------------------------------------------------------------


def _interview_row(booking: Booking, tz: dt.tzinfo) -> dict[str, Any]:
    pregnancy = booking.pregnancy
    local_day = booking.start.astimezone(tz).date()
    return {
        "booking": booking,
        "resident": pregnancy.resident if pregnancy else None,
        "pregnancy": pregnancy,
        "week": pregnancy.gestational_week_on(local_day) if pregnancy else None,
        # 欠席 only once the start time has passed: until then she may still come.
        "started": booking.start <= timezone.now(),
    }


@staff_required
def day(request: HttpRequest) -> HttpResponse:
    """Today's (or a week's) interviews: hers across her sites, or everyone's at one site."""
    sites = staff_sites(request)
    tz = tz_of(sites)
    form = SpanForm(request.GET or None, sites=sites)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    first = data.get("date") or today_in(tz)
    span = data.get("span") or "day"
    if span == "week":
        first -= dt.timedelta(days=first.weekday())
    last = first + dt.timedelta(days=6 if span == "week" else 0)
    site_id = data.get("site")
    scope = scope_for(request.user)
    bookings = list(
        staff_bookings(
            site_ids=[site_id] if site_id else [s.id for s in sites],
            date_from=first,
            date_to=last,
            tz=tz,
            nurse_id=scope.nurse_id if scope.nurse_id and not site_id else None,
        )
    )
    access_log_record(user=signed_in(request.user), bookings=bookings, action="list")
    answers = sent_answers_by_pregnancy({b.pregnancy_id for b in bookings if b.pregnancy_id})
    access_log_record(
        user=signed_in(request.user),
        bookings=[b for b in bookings if b.pregnancy_id in answers],
        action="questionnaire answers",
    )
    days: dict[dt.date, list[dict[str, Any]]] = {}
    for booking in bookings:
        row = _interview_row(booking, tz)
        row["questionnaires"] = answers.get(booking.pregnancy_id or 0, [])
        days.setdefault(booking.start.astimezone(tz).date(), []).append(row)
    step = dt.timedelta(days=7 if span == "week" else 1)
    return render_staff(
        request,
        "frontend/staff/day.html",
        {
            "form": form,
            "days": days,
            "first": first,
            "last": last,
            "span": span,
            "site_id": site_id,
            "today": today_in(tz),
            "previous": first - step,
            "next": first + step,
            "mine_only": bool(scope.nurse_id and not site_id),
        },
    )


# --- A booking ----------------------------------------------------------------------------------


def _message_partial() -> str | None:
    try:
        return select_template(["notifications/_message_list.html"]).template.name
    except TemplateDoesNotExist:  # a missing partial just hides the section
        return None


@staff_required
def booking_detail(request: HttpRequest, reference: str) -> HttpResponse:
    booking = access_booking_as_staff(request.user, reference)
    access_log_record(user=signed_in(request.user), bookings=[booking], action="view")
    tz = booking.municipality.tz
    events = list(booking.events.select_related("actor").order_by("at", "id"))
    local_day = booking.start.astimezone(tz).date()
    return render_staff(
        request,
        "frontend/staff/booking_detail.html",
        {
            "b": booking,
            "row": _interview_row(booking, tz),
            "events": events,
            "event_kinds": BookingEvent.Kind,
            "messages_list": list(messages_for_booking(booking)),
            "message_partial": _message_partial(),
            "details_form": StaffDetailsForm(
                initial={"staff_notes": booking.staff_notes, "video_url": booking.video_url}
            ),
            "can_mark": booking.status
            in (Booking.Status.CONFIRMED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW)
            and local_day <= today_in(tz),
            "can_change": booking.status == Booking.Status.CONFIRMED,
            "is_video": booking.mode == Mode.VIDEO,
        },
    )


def _detail_url(booking: Booking) -> str:
    return reverse("staff:booking", args=[booking.reference])


@require_POST
@staff_required
def booking_attendance(request: HttpRequest, reference: str) -> HttpResponse:
    booking = access_booking_as_staff(request.user, reference)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose attended or did not come."))
        return back(request, _detail_url(booking))
    try:
        booking_mark_attendance(
            booking=booking,
            attended=form.cleaned_data["outcome"] == "attended",
            actor=signed_in(request.user),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Saved: %(ref)s %(outcome)s.")
            % {
                "ref": booking.display_reference,
                "outcome": dict(ATTENDANCE_OUTCOMES)[form.cleaned_data["outcome"]],
            },
        )
    return back(request, _detail_url(booking))


@require_POST
@staff_required
def booking_details(request: HttpRequest, reference: str) -> HttpResponse:
    booking = access_booking_as_staff(request.user, reference)
    form = StaffDetailsForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(_detail_url(booking))
    booking_update_staff_details(
        booking=booking,
        actor=signed_in(request.user),
        staff_notes=form.cleaned_data["staff_notes"],
        video_url=form.cleaned_data["video_url"],
    )
    messages.success(request, _("Notes saved."))
    return redirect(_detail_url(booking))


@require_POST
@staff_required
def message_resend_view(request: HttpRequest, message_id: int) -> HttpResponse:
    """Send a failed message again (the button on the booking page and the failed list)."""
    message = access_message_as_staff(request.user, message_id)
    assert message.booking is not None  # access_message_as_staff guarantees it
    try:
        message_resend(message_id=message.pk, actor=signed_in(request.user))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("It goes out again in a moment: %(ref)s.")
            % {"ref": message.booking.display_reference},
        )
    return back(request, _detail_url(message.booking))


@staff_required
def booking_cancel_view(request: HttpRequest, reference: str) -> HttpResponse:
    booking = access_booking_as_staff(request.user, reference)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            booking_cancel(
                booking=booking,
                actor=signed_in(request.user),
                staff=True,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Cancelled. She will get a message."))
        return redirect(_detail_url(booking))
    return render_staff(request, "frontend/staff/booking_cancel.html", {"b": booking, "form": form})


def _slot_search(
    request: HttpRequest,
    *,
    default_site_id: int,
    default_date: dt.date,
    default_mode: str,
    exclude_booking_id: int | None = None,
    interview_type: InterviewType | None = None,
    offer_contacts: bool = False,
) -> dict[str, Any]:
    """The search form and the free slots it finds (staff: inside the notice too). Booking for
    her (`offer_contacts`), staff choose which contact of her pregnancy (issue 15); a
    reschedule keeps the booking's own interview type."""
    sites = staff_sites(request)
    data = request.GET.copy() if "site" in request.GET else None
    wanted = data.get("site", "") if data is not None else ""
    site_ids = {s.id for s in sites}
    site = access_site_as_staff(
        request.user,
        int(wanted) if wanted.isdigit() and int(wanted) in site_ids else default_site_id,
    )
    contacts = bookable_contacts(site.municipality) if offer_contacts else []
    contact = next((c for c in contacts if c.code == request.GET.get("contact")), None)
    itype = (
        interview_type
        or (contact.interview_type if contact else None)
        or InterviewType.objects.filter(municipality=site.municipality, is_active=True)
        .order_by("id")
        .first()
    )
    modes = modes_offered(site, itype) or [Mode.IN_PERSON]
    if contact is not None and contact.is_remote and itype is not None:
        # A call or a video from a nurse's remote hours, whatever the site itself offers.
        modes = [m for m in itype.modes if m != Mode.IN_PERSON] or modes
    if data is not None and data.get("mode") not in modes:
        data["mode"] = modes[0]  # she switched to a site without that mode: its first one
    form = SlotSearchForm(
        data,
        sites=sites,
        modes=modes,
        contacts=[("", "—")] + [(c.code, c.name) for c in contacts] if len(contacts) > 1 else [],
        initial={
            "site": site.id,
            "date": default_date,
            "mode": default_mode if default_mode in modes else modes[0],
        },
    )
    if form.is_bound and form.is_valid():
        first, mode = form.cleaned_data["date"], form.cleaned_data["mode"]
    else:
        first = default_date
        mode = default_mode if default_mode in modes else modes[0]
    slots = (
        open_slots(
            municipality=site.municipality,
            interview_type=itype,
            date_from=first,
            date_to=first + dt.timedelta(days=SLOT_SEARCH_DAYS - 1),
            site_ids=[site.id],
            mode=mode,
            ignore_notice=True,
            exclude_booking_id=exclude_booking_id,
        )
        if itype
        else []
    )
    tz = site.municipality.tz
    by_day: dict[dt.date, list[Any]] = {}
    for slot in slots:
        by_day.setdefault(slot.start.astimezone(tz).date(), []).append(slot)
    return {
        "search": form,
        "site": site,
        "mode": mode,
        "slot_days": by_day,
        "later": first + dt.timedelta(days=SLOT_SEARCH_DAYS),
        "offer_contacts": len(contacts) > 1,
        "contact_q": "&" + urlencode({"contact": contact.code}) if contact else "",
    }


@staff_required
def booking_reschedule_view(request: HttpRequest, reference: str) -> HttpResponse:
    booking = access_booking_as_staff(request.user, reference)
    error, alternatives = None, []
    if request.method == "POST":
        choice = SlotChoiceForm(request.POST)
        if choice.is_valid():
            try:
                site = access_site_as_staff(request.user, choice.cleaned_data["site"])
                booking_reschedule(
                    booking=booking,
                    start=choice.cleaned_data["start"],
                    site=site,
                    mode=choice.cleaned_data["mode"],
                    actor=signed_in(request.user),
                    staff=True,
                )
            except DomainError as exc:
                error, alternatives = exc.message, exc.alternatives
            else:
                messages.success(request, _("Moved. She will get a message with the new time."))
                return redirect(_detail_url(booking))
        else:
            error = _("Choose a time from the list.")
    tz = booking.municipality.tz
    context = _slot_search(
        request,
        default_site_id=booking.site_id,
        default_date=max(today_in(tz), booking.start.astimezone(tz).date()),
        default_mode=booking.mode,
        exclude_booking_id=booking.pk,
        interview_type=booking.interview_type,
    )
    context.update(
        {
            "b": booking,
            "error": error,
            "alternatives": alternatives,
            "action": reverse("staff:reschedule", args=[booking.reference]),
        }
    )
    return render_staff(
        request, "frontend/staff/booking_reschedule.html", context, status=409 if error else 200
    )


# --- Booking on her behalf ----------------------------------------------------------------------


@staff_required
def book(request: HttpRequest) -> HttpResponse:
    """Step 1: the same free slots a resident sees (plus those inside the notice)."""
    sites = staff_sites(request)
    if not sites:
        return render_staff(request, "frontend/staff/book_slots.html", {"slot_days": {}})
    tz = tz_of(sites)
    context = _slot_search(
        request,
        default_site_id=sites[0].id,
        default_date=today_in(tz),
        default_mode=Mode.IN_PERSON,
        offer_contacts=True,
    )
    return render_staff(request, "frontend/staff/book_slots.html", context)


@staff_required
def book_details(request: HttpRequest) -> HttpResponse:
    """Step 2: who she is (found by phone, or new), then book as staff."""
    data = request.POST if request.method == "POST" else request.GET
    form = OnBehalfForm(
        data if request.method == "POST" else None,
        initial={k: data.get(k) for k in ("site", "start", "mode")},
    )
    choice = SlotChoiceForm(data)
    if not choice.is_valid():
        return redirect("staff:book")
    site = access_site_as_staff(request.user, choice.cleaned_data["site"])
    start, mode = choice.cleaned_data["start"], choice.cleaned_data["mode"]
    contact = next(
        (c for c in bookable_contacts(site.municipality) if c.code == data.get("contact")), None
    )
    found = None
    error, alternatives = None, []
    if request.method == "GET" and data.get("phone"):
        found = _lookup(request, site, data["phone"], form)
    elif request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            booking = booking_create_on_behalf(
                site=site,
                interview_type=(
                    contact.interview_type
                    if contact and contact.interview_type
                    else interview_type_default(site.municipality)
                ),
                contact=contact,
                start=start,
                mode=mode,
                phone=cd["phone"],
                phone_is_mobile=is_mobile(cd["phone"]),
                name=cd["name"],
                name_kana=cd["name_kana"],
                email=cd["email"],
                language=cd["language"],
                due_date=cd["due_date"],
                interpreter_needed=cd["interpreter_needed"],
                first_pregnancy=cd["first_pregnancy"],
                notes=cd["notes"],
                notify_sms=is_mobile(cd["phone"]),
                notify_email=cd["notify_email"],
                actor=signed_in(request.user),
            )
        except DomainError as exc:
            error, alternatives = exc.message, exc.alternatives
        else:
            messages.success(
                request,
                _("Booked: %(ref)s. She will get a confirmation.")
                % {"ref": booking.display_reference},
            )
            return redirect(_detail_url(booking))
    return render_staff(
        request,
        "frontend/staff/book_details.html",
        {
            "form": form,
            "site": site,
            "start": start,
            "mode": mode,
            "contact": contact,
            "found": found,
            "error": error,
            "alternatives": alternatives,
        },
        status=409 if error else 200,
    )


def _lookup(request: HttpRequest, site: Any, phone: str, form: OnBehalfForm) -> Resident | None:
    """Prefill from an existing resident with this number in the site's municipality."""
    try:
        e164 = phone_e164(phone)
    except ValidationError:  # an unparseable number simply finds nobody
        return None
    resident = Resident.objects.filter(municipality=site.municipality, phone=e164).first()
    if resident is None:
        form.initial.update({"phone": phone})
        return None
    access_log_record(user=signed_in(request.user), residents=[resident], action="lookup")
    form.initial.update(
        {
            "phone": phone,
            "name": resident.name,
            "name_kana": resident.name_kana,
            "email": resident.email,
            "language": resident.preferred_language,
        }
    )
    p = pregnancy_current(resident)
    if p is not None:
        form.initial.update(
            {
                "due_date": p.due_date,
                "interpreter_needed": p.interpreter_needed,
                "first_pregnancy": (
                    "" if p.first_pregnancy is None else "yes" if p.first_pregnancy else "no"
                ),
                "notes": p.notes,
            }
        )
    return resident

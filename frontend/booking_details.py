"""The booking flow's last steps: her details for the time she holds, confirming it (signing her
up or in), letting the time go, and switching language half-way through the form.

Split from frontend/views.py (the steps before: where, month, day, hold), whose helpers these
steps share. A session signed in by an invitation link (frontend/invitations.py) books, and
fills in, the pregnancy the link was for.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from scheduling.access import access_hold
from scheduling.availability import cancel_deadline
from scheduling.models import Booking, Language, Municipality, Pregnancy
from scheduling.resident_services import AccountExists, ResidentDetails, resident_booking_confirm
from scheduling.selectors import booking_active_for, pregnancy_current
from scheduling.services import booking_release_hold
from yurikago.errors import DomainError

from .forms import DetailsForm, national
from .invitations import session_pregnancy_id
from .templatetags.resident import municipality_url
from .views import _actor, _base, _hold_owner, _municipality

SESSION_DRAFT = "details_draft"
DRAFT_FIELDS = (
    "name",
    "name_kana",
    "phone",
    "email",
    "due_date",
    "weeks",
    "handbook_number",
    "preferred_language",
    "interpreter_needed",
    "reminders",
)


def _hold_is_live(booking: Booking) -> bool:
    return booking.status == Booking.Status.HELD and bool(
        booking.expires_at and booking.expires_at > timezone.now()
    )


def _her_pregnancy(request: HttpRequest, resident_id: int) -> Pregnancy | None:
    """The pregnancy her invitation link was for, if it is hers and ongoing; else her ongoing
    one."""
    chosen = session_pregnancy_id(request)
    if chosen is not None:
        found = Pregnancy.objects.filter(pk=chosen, resident_id=resident_id, is_active=True).first()
        if found is not None:
            return found
    return pregnancy_current(resident_id)


def _initial_details(request: HttpRequest) -> dict[str, Any]:
    """What she gave last time (signed in), or typed before her hold ran out (this session)."""
    initial: dict[str, Any] = {}
    resident = getattr(request.user, "resident", None) if request.user.is_authenticated else None
    if resident is not None:
        initial.update(
            name=resident.name,
            name_kana=resident.name_kana,
            phone=national(resident.phone) if resident.phone else "",
            email=resident.email,
            preferred_language=resident.preferred_language,
        )
        pregnancy = _her_pregnancy(request, resident.pk)
        if pregnancy is not None:
            initial.update(
                due_date=pregnancy.due_date,
                handbook_number=pregnancy.handbook_number,
                interpreter_needed=pregnancy.interpreter_needed,
            )
    initial.update(request.session.get(SESSION_DRAFT, {}))
    return initial


def details(request: HttpRequest, reference: str, muni: str | None = None) -> HttpResponse:
    municipality = _municipality(muni)
    booking = access_hold(_hold_owner(request), reference)
    if booking.municipality_id != municipality.pk:
        raise Http404
    if booking.status == Booking.Status.CONFIRMED:
        return redirect("frontend:booking", booking.reference)
    live = _hold_is_live(booking)
    error = None
    if request.method == "POST":
        form = DetailsForm(request.POST)
        if form.data.get("hold", "").replace("-", "").upper() != booking.reference:
            # The hidden field is not hers to change; nothing is saved.
            error = _(
                "Something in the form was changed. Please check your time and "
                "details, and send the form again."
            )
            form.add_error(None, error)
        elif form.is_valid():
            from . import verify  # frontend.verify builds on this module

            if live and verify.needs_verification(request, form):
                # Not signed in: she proves the number (or address) with a code first.
                response = verify.start(request, municipality, booking, form)
            elif request.user.is_authenticated or verify.unverified_booking_allowed(form):
                response = _confirm(request, municipality, booking, form)
            else:
                response = None
            if response is not None:
                return response
            error = str(form.non_field_errors()[0]) if form.non_field_errors() else None
        live = _hold_is_live(Booking.objects.get(pk=booking.pk)) if live else False
    else:
        initial = _initial_details(request)
        initial["hold"] = booking.display_reference
        form = DetailsForm(initial=initial)
    day_url = municipality_url(municipality.code, "day", f"{timezone.localdate(booking.start)}")
    deadline = cancel_deadline(municipality, booking.interview_type, booking.start)
    return render(
        request,
        "frontend/details.html",
        _base(
            municipality,
            booking=booking,
            form=form,
            live=live,
            error=error,
            day_url=day_url + f"?site={booking.site.code}",
            release_url=municipality_url(municipality.code, "release", booking.reference),
            # The language switcher sends this form along, so what she typed is kept.
            language_form="details-form",
            language_action=municipality_url(
                municipality.code, "details_language", booking.reference
            ),
            minutes=booking.interview_type.hold_minutes,
            # Booked now, it could no longer be changed or cancelled online: say so first.
            deadline_passed=deadline if deadline < timezone.now() else None,
        ),
        status=409
        if getattr(form, "existing_booking_url", None) is not None
        else 410
        if not live
        else (422 if request.method == "POST" else 200),
    )


def _confirm(
    request: HttpRequest, municipality: Municipality, booking: Booking, form: DetailsForm
) -> HttpResponse | None:
    data = form.cleaned_data
    details = ResidentDetails(
        name=data["name"],
        name_kana=data["name_kana"],
        phone=data["phone"],
        phone_is_mobile=form.phone_is_mobile,
        email=data.get("email") or "",
        due_date=data["due_date"],
        handbook_number=data["handbook_number"],
        preferred_language=data["preferred_language"],
        interpreter_needed=data["interpreter_needed"],
        notify_sms=form.notify_sms,
        notify_email=form.notify_email,
    )
    user = request.user if request.user.is_authenticated else None
    language = get_language() if get_language() in Language.values else Language.JA
    try:
        confirmed, account = resident_booking_confirm(
            hold=booking,
            details=details,
            user=user,
            language=language,
            pregnancy_id=session_pregnancy_id(request) if user is not None else None,
        )
    except AccountExists as exc:
        login_url = (
            municipality_url(None, "login") + "?" + urlencode({"next": request.get_full_path()})
        )
        form.add_error(
            exc.field,
            _(
                "This is already on an account. Please sign in with a one-time code first; "
                "your time stays kept for you."
            ),
        )
        form.account_login_url = login_url  # type: ignore[attr-defined]
        form.describe_fields()
        return None
    except DomainError as exc:
        request.session[SESSION_DRAFT] = {k: form.data.get(k, "") for k in DRAFT_FIELDS}
        form.add_error(None, exc.message)
        if exc.code == "already_booked":
            # The time she held is of no use to her: give it back now, not in ten minutes.
            booking_release_hold(booking=booking, actor=user)
            request.session.pop("hold_ref", None)
            existing = booking_active_for(
                request.user, interview_type=booking.interview_type, contact=booking.contact
            )
            form.existing_booking_url = (  # type: ignore[attr-defined]
                reverse("frontend:booking", args=[existing.reference]) if existing else ""
            )
        return None
    request.session.pop(SESSION_DRAFT, None)
    request.session.pop("hold_ref", None)
    if user is None:
        # Her new account, so "My bookings" works at once on this phone. On another device she
        # signs in with a code to this number or address.
        login(request, account, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponseRedirect(municipality_url(None, "booking", confirmed.reference) + "?new=1")


@require_POST
def release(request: HttpRequest, reference: str, muni: str | None = None) -> HttpResponse:
    municipality = _municipality(muni)
    booking = access_hold(_hold_owner(request), reference)
    booking_release_hold(booking=booking, actor=_actor(request))
    request.session.pop("hold_ref", None)
    return redirect(
        municipality_url(municipality.code, "day", f"{timezone.localdate(booking.start)}")
        + f"?site={booking.site.code}"
    )


@require_POST
def details_language(request: HttpRequest, reference: str, muni: str | None = None) -> HttpResponse:
    """The language switcher of the details page: it posts the form she is filling in, which is
    kept in her session (as when her hold runs out) and filled in again in the new language.
    Consent is not kept: she gives it on the page in the language she reads."""
    municipality = _municipality(muni)
    booking = access_hold(_hold_owner(request), reference)
    draft = {k: request.POST.get(k, "") for k in DRAFT_FIELDS}
    if draft["preferred_language"] == get_language():
        del draft["preferred_language"]  # the page's default, not her choice: follow the page
    request.session[SESSION_DRAFT] = draft
    response = set_language(request)  # checks the language and sets the cookie
    response["Location"] = municipality_url(municipality.code, "details", booking.reference)
    return response

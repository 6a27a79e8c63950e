"""Confirming a booking made without signing in: she proves the number (or address) first.

Anyone can type any number into the details form, so a booking by someone not signed in is
confirmed only after she types the one-time code we send to it: by SMS to a mobile number, else
by email. Until then the hold keeps her time and nothing else is sent (no confirmation SMS to a
number nobody proved). A number that already has an account gets exactly the same answer and
the same code as a new one, so the form never says who has an account; the code then signs her
in to that account, and the booking is hers.

A landline-only booking without an email address has no account to claim and gets no SMS: it is
confirmed at once, as before, within the per-number daily limit.

Limits (frontend/limits.py): codes per number and per client address per day, bookings per
number per day, wrong codes per number per day (the sign-in lockout, shared with /login/).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from notifications.login_codes import message_send_login_code
from scheduling.access import access_hold, is_staff_or_superuser_account, signed_in
from scheduling.models import Booking, User
from scheduling.phones import national
from scheduling.resident_services import phone_verified_record

from . import limits
from .forms import AccessibleFormMixin, DetailsForm
from .templatetags.resident import municipality_url

if TYPE_CHECKING:
    from scheduling.models import Municipality

SESSION_KEY = "booking_verification"
CODE_ATTEMPTS = 5
CODE_SECONDS = 10 * 60

TOO_MANY_BOOKINGS = _(
    "This number has booked the most interviews we take online in one day. Please call us."
)
TOO_MANY_CODES = _(
    "We have sent as many codes as we can today. Please try again tomorrow, or call us."
)
WRONG_CODE = _("This code is not right. Please check it and try again.")
CODE_EXPIRED = _("The code is no longer valid. Please send the form again for a new code.")


class CodeForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=6,
        error_messages={"required": _("Please enter the 6-digit code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.describe_fields()


def _digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def masked_destination(channel: str, recipient: str) -> str:
    """Where the code went, for her eyes but not a passer-by's: 090-****-0001, h…@example.jp."""
    if channel == "email":
        local, _at, domain = recipient.partition("@")
        return f"{local[:1]}…@{domain}"
    parts = national(recipient).split("-")
    if len(parts) == 3:
        return f"{parts[0]}-{'*' * len(parts[1])}-{parts[2]}"
    return f"…{recipient[-4:]}"


def needs_verification(request: HttpRequest, form: DetailsForm) -> bool:
    return not request.user.is_authenticated and (
        form.phone_is_mobile or bool(form.cleaned_data.get("email"))
    )


def unverified_booking_allowed(form: DetailsForm) -> bool:
    """The daily per-number limit, for a booking confirmed without a code (landline only)."""
    if limits.bookings_for_number_allowed(form.cleaned_data["phone"]):
        return True
    form.add_error(None, TOO_MANY_BOOKINGS)
    return False


def start(
    request: HttpRequest, municipality: Municipality, booking: Booking, form: DetailsForm
) -> HttpResponse | None:
    """Send her a code and ask for it; None (with the reason on the form) when we may not."""
    data = form.cleaned_data
    email = (data.get("email") or "").lower()
    if form.phone_is_mobile and not limits.sms_stopped(data["phone"]):
        channel, recipient = "sms", data["phone"]
    elif email:
        channel, recipient = "email", email
    else:
        form.add_error("phone", limits.SMS_STOPPED)
        return None
    if not limits.bookings_for_number_allowed(data["phone"]):
        form.add_error(None, TOO_MANY_BOOKINGS)
        return None
    if limits.login_code_locked(recipient):
        form.add_error(None, limits.LOGIN_CODE_LOCKED)
        return None
    if not limits.booking_code_allowed(request, recipient):
        form.add_error(None, TOO_MANY_CODES)
        return None
    code = f"{secrets.randbelow(10**6):06d}"
    request.session[SESSION_KEY] = {
        "reference": booking.reference,
        "data": {k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"},
        "channel": channel,
        "recipient": recipient,
        "digest": _digest(code),
        "attempts": 0,
        "expires": time.time() + CODE_SECONDS,
    }
    message_send_login_code(
        municipality=municipality,
        channel=channel,
        recipient=recipient,
        code=code,
        language=get_language() or "ja",
    )
    return redirect(municipality_url(municipality.code, "verify", booking.reference))


def verify(request: HttpRequest, reference: str, muni: str | None = None) -> HttpResponse:
    from . import views

    municipality = views._municipality(muni)
    booking = access_hold(views._hold_owner(request), reference)
    if booking.municipality_id != municipality.pk:
        raise Http404
    details_url = municipality_url(municipality.code, "details", booking.reference)
    if booking.status == Booking.Status.CONFIRMED:
        return redirect("frontend:booking", booking.reference)
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("reference") != booking.reference:
        return redirect(details_url)
    if pending["expires"] < time.time():
        request.session.pop(SESSION_KEY, None)
        messages.error(request, CODE_EXPIRED)
        return redirect(details_url)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        response = _check(request, municipality, booking, pending, form)
        if response is not None:
            return response
        status = 422
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "frontend/verify.html",
        views._base(
            municipality,
            booking=booking,
            form=form,
            destination=masked_destination(pending["channel"], pending["recipient"]),
            by_sms=pending["channel"] == "sms",
            details_url=details_url,
        ),
        status=status,
    )


def _check(
    request: HttpRequest,
    municipality: Municipality,
    booking: Booking,
    pending: dict[str, Any],
    form: CodeForm,
) -> HttpResponse | None:
    recipient = pending["recipient"]
    if limits.login_code_locked(recipient):
        form.add_error("code", limits.LOGIN_CODE_LOCKED)
        return None
    if not hmac.compare_digest(_digest(form.cleaned_data["code"].strip()), pending["digest"]):
        pending["attempts"] += 1
        request.session[SESSION_KEY] = pending
        if limits.login_code_wrong(recipient):
            form.add_error("code", limits.LOGIN_CODE_LOCKED)
        elif pending["attempts"] >= CODE_ATTEMPTS:
            request.session.pop(SESSION_KEY, None)
            messages.error(request, CODE_EXPIRED)
            return redirect(municipality_url(municipality.code, "details", booking.reference))
        else:
            form.add_error("code", WRONG_CODE)
        return None
    return _finish(request, municipality, booking, pending)


def _finish(
    request: HttpRequest, municipality: Municipality, booking: Booking, pending: dict[str, Any]
) -> HttpResponse:
    from . import views

    request.session.pop(SESSION_KEY, None)
    data = QueryDict(mutable=True)
    for key, values in pending["data"].items():
        data.setlist(key, values)
    details = DetailsForm(data)
    details_url = municipality_url(municipality.code, "details", booking.reference)
    if not details.is_valid():
        return redirect(details_url)
    account = _account_for(pending["channel"], pending["recipient"])
    if account is not None:
        # She proved she holds this account's number (or address): she is its owner.
        login(request, account, backend="django.contrib.auth.backends.ModelBackend")
    response = views._confirm(request, municipality, booking, details)
    if response is None:
        for errors in details.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(details_url)
    limits.booking_for_number_made(details.cleaned_data["phone"])
    if pending["channel"] == "sms":
        phone_verified_record(signed_in(request.user), pending["recipient"])
    return response


def _account_for(channel: str, recipient: str) -> User | None:
    users = User.objects.filter(is_active=True)
    user = (
        users.filter(phone=recipient).first()
        if channel == "sms"
        else users.filter(email__iexact=recipient).first()
    )
    if user is None or is_staff_or_superuser_account(user):
        return None
    return user

"""Her invitation link (/i/<pregnancy>/<token>/, issue 16): the way in from "book your
interview", the questionnaire, the after-birth contact, a reminder or "we missed you".

- GET shows a page with one button and changes nothing: mail clients' link scanners open links.
- POST uses the link once (a conditional UPDATE: two taps at once, one wins), signs her in as the
  resident it was made for, scopes the session to that pregnancy (SESSION_PREGNANCY, which the
  booking flow reads) and sends her to booking that contact, or to the questionnaire.
- Refused, with a page in her language and never a 500: a token we do not know or that names
  another pregnancy (404), a link used already or expired, a pregnancy that has ended (410), a
  staff account (403: staff sign in with password and TOTP only), too many tries (429).

Tries are counted per client address (frontend/limits.py's proxy-aware address), as sign-in
codes are counted per number: a day's share of wrong links locks the address out until tomorrow.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from scheduling.access import access_invitation_link, is_staff_or_superuser_account
from scheduling.invitation_models import InvitationLink
from scheduling.invitation_services import invitation_link_consume
from scheduling.models import Booking, Contact

from .limits import DAY_SECONDS, client_address
from .templatetags.resident import municipality_url

log = logging.getLogger("yurikago.security")

SESSION_PREGNANCY = "invitation_pregnancy"
# Per client address: opening and using links (a phone opens a handful), and wrong links a day.
TRIES_PER_MINUTE = 20
WRONG_PER_DAY = 20

REFUSED = {
    "unknown": (
        404,
        _("This link does not work"),
        _("Please check that you opened the whole link from our message."),
    ),
    "used": (
        410,
        _("This link has been used already"),
        _("Each link in our messages works once. Please sign in with a one-time code instead."),
    ),
    "expired": (
        410,
        _("This link has expired"),
        _("Please sign in with a one-time code instead, or call us."),
    ),
    "ended": (
        410,
        _("There is nothing to do with this link any more"),
        _("If you have a question, please call us."),
    ),
    "staff": (
        403,
        _("This link is not for staff accounts"),
        _("Staff sign in with their password and authenticator code."),
    ),
    "limited": (
        429,
        _("Too many tries"),
        _("Please wait a few minutes and open the link from our message again."),
    ),
}


def _key(kind: str, address: str, period: int) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:40]
    return f"limits:invitation-{kind}:{period}:{digest}"


def _count(key: str, ttl: int) -> int:
    if cache.add(key, 1, ttl):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:
        cache.add(key, 1, ttl)
        return 1


def _allowed(request: HttpRequest) -> bool:
    """Counts this try; False once the address has had its minute's tries or day's wrong links."""
    address = client_address(request)
    now = int(timezone.now().timestamp())
    wrong = cache.get(_key("wrong", address, now // DAY_SECONDS)) or 0
    if int(wrong) >= WRONG_PER_DAY:
        return False
    return _count(_key("try", address, now // 60), 120) <= TRIES_PER_MINUTE


def _wrong(request: HttpRequest) -> None:
    address = client_address(request)
    day = int(timezone.now().timestamp()) // DAY_SECONDS
    if _count(_key("wrong", address, day), DAY_SECONDS) == WRONG_PER_DAY:
        log.warning("invitation links: an address reached its day's wrong links")


def _refuse(request: HttpRequest, reason: str, link: InvitationLink | None = None) -> HttpResponse:
    status, title, detail = REFUSED[reason]
    context: dict[str, Any] = {"title": title, "detail": detail, "refused": True}
    if link is not None:
        context["municipality"] = link.pregnancy.resident.municipality
    return render(request, "frontend/invitation.html", context, status=status)


def _why_not(link: InvitationLink) -> str | None:
    pregnancy = link.pregnancy
    if is_staff_or_superuser_account(pregnancy.resident.user):
        return "staff"
    if link.used_at is not None:
        return "used"
    if link.expires_at <= timezone.now():
        return "expired"
    if not pregnancy.is_active or not link.contact.is_active:
        return "ended"
    return None


def destination(link: InvitationLink) -> str:
    """Where the link takes her: her booking for the contact if she has one, else booking the
    contact (or its questionnaire, or its visit), else her bookings page."""
    contact = link.contact
    municipality = link.pregnancy.resident.municipality
    booked = (
        Booking.objects.active()
        .filter(pregnancy=link.pregnancy, contact=contact)
        .values_list("reference", flat=True)
        .first()
    )
    if booked:
        return reverse("frontend:booking", args=[booked])
    if contact.kind == Contact.Kind.QUESTIONNAIRE:
        return reverse("frontend:questionnaire", args=[contact.code])
    if contact.kind == Contact.Kind.HOME_VISIT:
        return reverse("frontend:home_visit", args=[contact.code])
    if contact.needs_booking and contact.interview_type_id is not None:
        return municipality_url(municipality.code, "where") + f"?contact={contact.code}"
    return reverse("frontend:my_bookings")


def invitation_open(request: HttpRequest, pregnancy_id: int, token: str) -> HttpResponse:
    if not _allowed(request):
        return _refuse(request, "limited")
    link = access_invitation_link(token, pregnancy_id)
    if link is None:
        _wrong(request)
        return _refuse(request, "unknown")
    reason = _why_not(link)
    if reason is not None:
        return _refuse(request, reason, link)
    if request.method != "POST":
        return render(
            request,
            "frontend/invitation.html",
            {"municipality": link.pregnancy.resident.municipality, "kind": link.invitation.kind},
        )
    if not invitation_link_consume(link=link, now=timezone.now()):
        return _refuse(request, "used", link)  # the other tap won, or it expired just now
    return _sign_in(request, link)


def _sign_in(request: HttpRequest, link: InvitationLink) -> HttpResponse:
    pregnancy = link.pregnancy
    login(request, pregnancy.resident.user, backend="django.contrib.auth.backends.ModelBackend")
    # After login (which may start a new session): the booking flow books this pregnancy.
    request.session[SESSION_PREGNANCY] = pregnancy.pk
    response = HttpResponseRedirect(destination(link))
    language = pregnancy.preferred_language
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
        )
    return response


def session_pregnancy_id(request: HttpRequest) -> int | None:
    """The pregnancy an invitation link signed her in to (None: her ongoing one)."""
    value = request.session.get(SESSION_PREGNANCY)
    return value if isinstance(value, int) else None

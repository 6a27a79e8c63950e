"""Limits on the resident side that no single request can see: how often a number may guess a
sign-in code in a day (this module), and how much of the booking flow one visitor may take.

Counts live in the cache (Redis in production, shared by every worker), keyed by a hash of the
number or address, never the number itself. A day is the municipality's calendar day (Tokyo).
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.masking import mask_recipient

if TYPE_CHECKING:
    from django.http import HttpRequest

logger = logging.getLogger("yurikago.security")

DAY_SECONDS = 26 * 60 * 60  # a calendar day, and then some, so a count never outlives its day

LOGIN_CODE_LOCKED = _(
    "Too many wrong codes today for this number or address. Signing in with it waits until "
    "tomorrow. You can sign in with your email address (or your mobile number) instead."
)


SMS_STOPPED = _(
    "This number answered STOP to our text messages, so we cannot send it a code by SMS. "
    "Please use your email address instead. To get text messages again, reply START to one "
    "of our messages."
)


def sms_stopped(phone: str) -> bool:
    """This number answered STOP: no SMS reaches it, sign-in codes included (Twilio's opt-out
    covers every message from our sender). Checked alike for any number, account or not."""
    from notifications.models import SmsOptOut

    return SmsOptOut.objects.filter(phone=phone).exists()


def _day_key(kind: str, subject: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{subject.lower()}".encode()).hexdigest()
    return f"limits:{kind}:{timezone.localdate().isoformat()}:{digest[:40]}"


def _count(key: str) -> int:
    return int(cache.get(key) or 0)


def _increment(key: str) -> int:
    if cache.add(key, 1, DAY_SECONDS):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, DAY_SECONDS)
        return 1


# --- Sign-in codes -------------------------------------------------------------------------------


def login_code_locked(subject: str) -> bool:
    """True when this number or address has had its day's share of wrong codes."""
    return _count(_day_key("code-wrong", subject)) >= settings.LOGIN_CODE_WRONG_PER_DAY


def login_code_wrong(subject: str) -> bool:
    """Count a wrong code for this number or address; True once that locks it for the day
    (logged once, with the number masked)."""
    count = _increment(_day_key("code-wrong", subject))
    limit = settings.LOGIN_CODE_WRONG_PER_DAY
    if count == limit:
        logger.warning(
            "sign-in by code locked for the day: %s after %d wrong codes",
            mask_recipient(subject),
            count,
        )
    return count >= limit


# --- The booking flow ----------------------------------------------------------------------------
# Per session, per client address (proxy-aware: the TRUSTED_PROXY_COUNT that allauth and DRF
# read too) and per phone number. settings.BOOKING_FLOW_LIMITS overrides any of these.
DEFAULT_BOOKING_FLOW_LIMITS = {
    "holds_per_minute_session": 6,
    "holds_per_minute_address": 12,
    # Holds live 10 minutes: holds an address placed in the last ten minutes ≈ its active holds.
    "active_holds_address": 20,
    "bookings_per_number_day": 2,
    # Codes sent to confirm a booking by a number (or address) not yet proven.
    "codes_per_number_day": 3,
    "codes_per_address_day": 20,
}
HOLD_WINDOW_SECONDS = 10 * 60
TOO_MANY_HOLDS = _(
    "You have picked many times in a short while. Please wait a few minutes, then choose again."
)


def booking_flow_limit(name: str) -> int:
    overrides = getattr(settings, "BOOKING_FLOW_LIMITS", {}) or {}
    return int(overrides.get(name, DEFAULT_BOOKING_FLOW_LIMITS[name]))


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies that set
    X-Forwarded-For, the address that many hops from the right, as allauth and DRF read it."""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return str(request.META.get("REMOTE_ADDR", ""))


def _minute_key(kind: str, subject: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{subject}".encode()).hexdigest()
    return f"limits:{kind}:{int(time.time()) // 60}:{digest[:40]}"


def _window_key(kind: str, subject: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{subject}".encode()).hexdigest()
    return f"limits:{kind}:{int(time.time()) // HOLD_WINDOW_SECONDS}:{digest[:40]}"


def hold_allowed(request: HttpRequest, session_owner: str) -> bool:
    """May this visitor hold one more time now? Counts the hold when it may."""
    address = client_address(request)
    checks = [
        (_minute_key("hold-session", session_owner), "holds_per_minute_session", 60),
        (_minute_key("hold-address", address), "holds_per_minute_address", 60),
        (_window_key("hold-address-active", address), "active_holds_address", HOLD_WINDOW_SECONDS),
    ]
    if any(_count(key) >= booking_flow_limit(name) for key, name, _ttl in checks):
        logger.warning("booking flow: holds refused for address %s", _masked_address(address))
        return False
    for key, _name, ttl in checks:
        if not cache.add(key, 1, ttl * 2):
            try:
                cache.incr(key)
            except ValueError:
                cache.add(key, 1, ttl * 2)
    return True


def booking_code_allowed(request: HttpRequest, recipient: str) -> bool:
    """May we send one more confirmation code to this number (or address) today, from this
    client? Counts the code when we may."""
    by_number = _day_key("booking-code", recipient)
    by_address = _day_key("booking-code-address", client_address(request))
    if _count(by_number) >= booking_flow_limit("codes_per_number_day") or _count(
        by_address
    ) >= booking_flow_limit("codes_per_address_day"):
        logger.warning("booking flow: no more codes today for %s", mask_recipient(recipient))
        return False
    _increment(by_number)
    _increment(by_address)
    return True


def bookings_for_number_allowed(phone: str) -> bool:
    return _count(_day_key("bookings", phone)) < booking_flow_limit("bookings_per_number_day")


def booking_for_number_made(phone: str) -> None:
    _increment(_day_key("bookings", phone))


def _masked_address(address: str) -> str:
    """An address with its last part hidden (a log line needs the network, not the person)."""
    if ":" in address:
        return ":".join(address.split(":")[:3]) + ":…"
    return ".".join(address.split(".")[:3]) + ".…"

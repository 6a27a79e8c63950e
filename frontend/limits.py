"""Limits on the resident side that no single request can see: how often a number may guess a
sign-in code in a day (this module), and how much of the booking flow one visitor may take.

Counts live in the cache (Redis in production, shared by every worker), keyed by a hash of the
number or address, never the number itself. A day is the municipality's calendar day (Tokyo).
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.masking import mask_recipient

logger = logging.getLogger("yurikago.security")

DAY_SECONDS = 26 * 60 * 60  # a calendar day, and then some, so a count never outlives its day

LOGIN_CODE_LOCKED = _(
    "Too many wrong codes today for this number or address. Signing in with it waits until "
    "tomorrow. You can sign in with your email address (or your mobile number) instead."
)


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

"""Reads of the access log (APPI: who saw whose details, when) for municipality administrators.
The caller passes the municipalities she administers (scheduling.access.scope_for)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .models import AccessLog, Nurse, StaffRole, User


def access_log_for(
    *,
    municipality_ids: Iterable[int],
    tz: dt.tzinfo,
    user_id: int | None = None,
    resident: Q | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AccessLog]:
    """Rows about residents or bookings of these municipalities, newest first; narrowed to one
    staff member, to residents matching `resident`, and to local dates (both included)."""
    ids = list(municipality_ids)
    qs = AccessLog.objects.filter(
        Q(resident__municipality_id__in=ids) | Q(booking__municipality_id__in=ids)
    )
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    if resident is not None:
        qs = qs.filter(resident)
    if date_from is not None:
        qs = qs.filter(at__gte=dt.datetime.combine(date_from, dt.time(0), tzinfo=tz))
    if date_to is not None:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
        qs = qs.filter(at__lt=end)
    return qs.select_related("user", "resident", "booking").order_by("-at", "-id")


def resident_matching(text: str, *, phone: str | None) -> Q:
    """Her name or kana (part of it), her phone (E.164, already parsed) or a booking reference
    (with or without its hyphen)."""
    reference = text.replace("-", "").replace(" ", "").upper()
    match = (
        Q(resident__name__icontains=text)
        | Q(resident__name_kana__icontains=text)
        | Q(booking__reference=reference)
    )
    if phone:
        match |= Q(resident__phone=phone)
    return match


def staff_of(municipality_ids: Iterable[int]) -> QuerySet[User]:
    """Everyone who works for these municipalities: nurses, managers and administrators."""
    ids = list(municipality_ids)
    users = Q(pk__in=Nurse.objects.filter(municipality_id__in=ids).values("user_id")) | Q(
        pk__in=StaffRole.objects.filter(municipality_id__in=ids).values("user_id")
    )
    return User.objects.filter(users).order_by("display_name", "email")

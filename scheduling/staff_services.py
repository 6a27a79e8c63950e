"""Writes staff make about residents' bookings: private notes, the access log.

Booking on her behalf (her details, then the booking) is resident_services.booking_create_on_behalf.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .models import (
    AccessLog,
    Booking,
    BookingEvent,
    Resident,
    User,
)


def booking_update_staff_details(
    *,
    booking: Booking,
    staff_notes: str,
    video_url: str,
    actor: User,
) -> Booking:
    """Private notes and the video link. The event names the fields, never their content."""
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        changed = [
            name
            for name, value in (("staff_notes", staff_notes), ("video_url", video_url))
            if getattr(locked, name) != value
        ]
        if not changed:
            return locked
        locked.staff_notes, locked.video_url = staff_notes, video_url
        locked.save(update_fields=[*changed, "updated_at"])
        BookingEvent.objects.create(
            booking=locked,
            kind=BookingEvent.Kind.UPDATED,
            actor=actor,
            actor_is_staff=True,
            data={"fields": changed},
        )
        return locked


def access_log_record(
    *,
    user: User,
    bookings: Iterable[Booking] = (),
    residents: Iterable[Resident] = (),
    action: str = "view",
    now: dt.datetime | None = None,
) -> int:
    """One row per record shown (APPI: who saw whose details, when), in one query."""
    now = now or timezone.now()
    rows = [
        AccessLog(user_id=user.pk, at=now, booking=b, resident_id=_resident_id(b), action=action)
        for b in bookings
    ] + [AccessLog(user_id=user.pk, at=now, resident=r, action=action) for r in residents]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


def _resident_id(booking: Booking) -> int | None:
    pregnancy = booking.pregnancy
    return pregnancy.resident_id if pregnancy is not None else None

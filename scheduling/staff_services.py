"""Writes staff make about residents' bookings: private notes, the access log.

Booking on her behalf (her details, then the booking) is resident_services.booking_create_on_behalf.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from notifications import outbox

from .models import (
    AccessLog,
    Booking,
    BookingEvent,
    Mode,
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
    """Private notes and the video link. The event names the fields, never their content.

    Setting or changing the link of a confirmed, coming video interview tells her (issue 15):
    the booking's sequence rises (her calendar event updates), pending reminders are replaced by
    ones with the new link and a notice goes out, through the outbox, in this transaction."""
    now = timezone.now()
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
        tell_her = (
            "video_url" in changed
            and bool(video_url)
            and locked.mode == Mode.VIDEO
            and locked.status == Booking.Status.CONFIRMED
            and locked.start > now
        )
        if tell_her:
            locked.sequence += 1
        locked.save(update_fields=[*changed, "sequence", "updated_at"])
        if tell_her:
            outbox.messages_void_pending(booking=locked)
            outbox.messages_queue_for_booking(booking=locked, purpose="reschedule", now=now)
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

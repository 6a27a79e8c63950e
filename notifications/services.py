"""Writing to the outbox. Called inside the booking services' transactions, never on its own.

The dispatcher (tasks.py) reads these rows; the rows, not Celery, are the source of truth.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Message, SmsOptOut

if TYPE_CHECKING:
    from scheduling.models import Booking

# Reminders are not worth sending if they would arrive this close to the interview or to the
# confirmation she has just received.
MIN_GAP = dt.timedelta(hours=1)
EVENING_EDGE = dt.timedelta(minutes=15)


def civil_send_time(send_at: dt.datetime, tz: dt.tzinfo, before: dt.datetime) -> dt.datetime:
    """Move a send time out of the night (CIVIL_HOURS_END … CIVIL_HOURS_START, local).

    It goes to the nearer edge of the allowed window that is still before `before` (the
    interview): back to the evening (a quarter before the end hour) or on to the morning.
    """
    local = send_at.astimezone(tz)
    start_h, end_h = settings.CIVIL_HOURS_START, settings.CIVIL_HOURS_END
    if start_h <= local.hour < end_h:
        return send_at
    day = local.date()
    if local.hour >= end_h:
        evening_day, morning_day = day, day + dt.timedelta(days=1)
    else:
        evening_day, morning_day = day - dt.timedelta(days=1), day
    evening = dt.datetime.combine(evening_day, dt.time(end_h), tzinfo=tz) - EVENING_EDGE
    morning = dt.datetime.combine(morning_day, dt.time(start_h), tzinfo=tz)
    if morning < before and (morning - send_at) <= (send_at - evening):
        return morning
    return evening


def reminder_times(booking: Booking, now: dt.datetime) -> list[tuple[str, dt.datetime]]:
    """(occurrence, send_at) for each reminder the interview type asks for and time allows."""
    tz = booking.municipality.tz
    result = []
    for hours in sorted(set(booking.interview_type.reminder_hours_before), reverse=True):
        send_at = civil_send_time(booking.start - dt.timedelta(hours=int(hours)), tz,
                                  booking.start)
        if send_at < now + MIN_GAP or send_at > booking.start - MIN_GAP / 2:
            continue
        result.append((f"{int(hours)}h-s{booking.sequence}", send_at))
    return result


def _channels(booking: Booking) -> list[tuple[str, str]]:
    """(channel, recipient) pairs she asked for and can receive."""
    resident = booking.pregnancy.resident if booking.pregnancy else None
    if resident is None:
        return []
    pairs = []
    if booking.notify_sms and resident.phone and not resident.sms_opt_out:
        if not SmsOptOut.objects.filter(phone=resident.phone).exists():
            pairs.append((Message.Channel.SMS, resident.phone))
    if booking.notify_email and resident.email:
        pairs.append((Message.Channel.EMAIL, resident.email))
    if not pairs and resident.email:
        # SMS impossible (opted out, no phone): email is better than silence.
        pairs.append((Message.Channel.EMAIL, resident.email))
    return pairs


def _create(booking: Booking, purpose: str, channel: str, recipient: str, occurrence: str,
            send_at: dt.datetime) -> Message | None:
    try:
        with transaction.atomic():  # a savepoint: a duplicate must not spoil the booking
            return Message.objects.create(
                booking=booking, municipality_id=booking.municipality_id, purpose=purpose,
                channel=channel, recipient=recipient, occurrence=occurrence,
                language=booking.language, send_at=send_at,
            )
    except IntegrityError:
        return None  # already queued: exactly once per (booking, purpose, channel, occurrence)


def messages_queue_for_booking(
    *, booking: Booking, purpose: str, now: dt.datetime | None = None
) -> list[Message]:
    """Queue what a booking change owes her: the notice now, and reminders where they apply."""
    now = now or timezone.now()
    created: list[Message] = []
    occurrence = f"s{booking.sequence}" if purpose in ("reschedule", "cancellation") else ""
    for channel, recipient in _channels(booking):
        msg = _create(booking, purpose, channel, recipient, occurrence, now)
        if msg:
            created.append(msg)
        if purpose in ("confirmation", "reschedule"):
            for occ, send_at in reminder_times(booking, now):
                msg = _create(booking, Message.Purpose.REMINDER, channel, recipient, occ,
                              send_at)
                if msg:
                    created.append(msg)
    if created:
        _wake_dispatcher()
    return created


def messages_void_pending(*, booking: Booking) -> int:
    """A cancelled or moved booking takes back everything not yet sent."""
    return Message.objects.filter(booking=booking, status=Message.Status.PENDING).update(
        status=Message.Status.CANCELLED, updated_at=timezone.now()
    )


def _wake_dispatcher() -> None:
    """Ask for an immediate dispatch once the transaction commits.

    Only a nudge: if the broker is down the rows stay pending and beat's next run sends them.
    """
    from .tasks import wake_dispatcher

    transaction.on_commit(wake_dispatcher)

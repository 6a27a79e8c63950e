"""The outbox side of home visits (issue 15): when the district nurse confirms a time, she is
told by SMS (a mobile that has not opted out) or else by email, in the same transaction as the
confirmation. The text says when, and nothing else: no address, no health word.

A home visit is not a Booking, so the row has no booking; what the text needs (when, the
municipality's phone) travels in its context.

Cancelling or moving a visit (scheduling.home_visit_changes) takes back what was not sent yet
and queues a notice (same purpose, `context["change"]` "cancelled" or "moved", its own template:
visit_cancelled / visit_moved), sent in civil hours (CIVIL_HOURS_START … _END, local): a change
made at night is told the next morning.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation

from scheduling.phones import is_mobile
from yurikago import dates

from .home_visit_rules import change_occurrence, occurrence_for
from .models import Message, SmsOptOut
from .tasks import wake_dispatcher_on_commit
from .texts import format_when

if TYPE_CHECKING:
    from scheduling.home_visit_models import HomeVisit


def _channel(visit: HomeVisit) -> tuple[str, str] | None:
    """SMS to a mobile that has not opted out, else email (an SMS to a fixed line fails)."""
    resident = visit.pregnancy.resident
    if resident.phone and is_mobile(resident.phone) and not resident.sms_opt_out:
        if not SmsOptOut.objects.filter(phone=resident.phone).exists():
            return Message.Channel.SMS, resident.phone
    if resident.email:
        return Message.Channel.EMAIL, resident.email
    return None


def queue_visit_time(visit: HomeVisit) -> Message | None:
    """Queue "your visit is at …" (call inside the confirming transaction). None: no way to
    reach her; the nurse calls her (the visits page shows who has no message)."""
    assert visit.start is not None
    channel = _channel(visit)
    if channel is None:
        return None
    municipality = visit.pregnancy.resident.municipality
    language = visit.pregnancy.preferred_language
    now = timezone.now()
    message = Message.objects.create(
        municipality=municipality,
        purpose=Message.Purpose.VISIT_TIME,
        channel=channel[0],
        recipient=channel[1],
        language=language,
        occurrence=occurrence_for(visit),
        context={
            "visit_id": visit.pk,
            "when": format_when(visit.start, municipality.tz, language),
            "when_long": format_when(visit.start, municipality.tz, language, long=True),
            "contact_phone": municipality.contact_phone,
        },
        send_at=civil_time(now, municipality.tz),
    )
    wake_dispatcher_on_commit()
    return message


def civil_time(now: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """Now if it is within civil hours there, else the next morning's first civil hour."""
    local = now.astimezone(tz)
    start, end = settings.CIVIL_HOURS_START, settings.CIVIL_HOURS_END
    if start <= local.hour < end:
        return now
    day = local.date() + dt.timedelta(days=1 if local.hour >= end else 0)
    return dt.datetime.combine(day, dt.time(start), tzinfo=tz)


def take_back(visit: HomeVisit, *, reason: str) -> int:
    """Cancel this visit's messages not sent yet (its time, an earlier change notice)."""
    return Message.objects.filter(
        Q(occurrence__startswith=f"visit-{visit.pk}-") | Q(occurrence__startswith=f"v{visit.pk}-"),
        purpose=Message.Purpose.VISIT_TIME,
        booking__isnull=True,
        status=Message.Status.PENDING,
    ).update(status=Message.Status.CANCELLED, error_code="visit_changed", last_error=reason)


def queue_visit_change(visit: HomeVisit, change: str, now: dt.datetime) -> Message | None:
    """Tell her that her visit was cancelled or moved (call inside the changing transaction):
    the day and the half-day in her language, our phone; never the address or why."""
    take_back(visit, reason=f"the visit was {change}")
    channel = _channel(visit)
    if channel is None:
        return None  # no way to reach her: staff call her
    municipality = visit.pregnancy.resident.municipality
    language = visit.pregnancy.preferred_language
    with translation.override(language):
        half = str(visit.get_half_display())
    message = Message.objects.create(
        municipality=municipality,
        purpose=Message.Purpose.VISIT_TIME,
        channel=channel[0],
        recipient=channel[1],
        language=language,
        occurrence=change_occurrence(visit, change, now),
        context={
            "visit_id": visit.pk,
            "change": change,
            "visit_date": visit.date.isoformat(),
            "visit_half": visit.half,
            "day": dates.format_date(visit.date, language),
            "half": half,
            "contact_phone": municipality.contact_phone,
        },
        send_at=civil_time(now, municipality.tz),
    )
    wake_dispatcher_on_commit()
    return message

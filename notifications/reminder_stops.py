"""Stopping reminders without an inbound SMS: Twilio in Japan has no two-way SMS, so a reply
of 停止 may never reach us. She stops them by channel with a signed one-tap link in a reminder
email, or with the setting on her bookings page. Sign-in codes are not reminders: they still
reach her (by SMS to her mobile, or by email), and the pages say so."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from scheduling.models import Resident

from .models import Message, ReminderStop

SALT = "notifications.reminder_stop"
CHANNELS = (Message.Channel.SMS, Message.Channel.EMAIL)


def stop_token(*, resident_id: int, channel: str) -> str:
    """Signed, so nobody can stop another resident's reminders; no expiry, so an old email's
    link still works."""
    return signing.dumps({"r": resident_id, "c": channel}, salt=SALT, compress=True)


def stop_url(*, resident_id: int, channel: str) -> str:
    token = stop_token(resident_id=resident_id, channel=channel)
    return settings.SITE_ROOT + reverse("frontend:reminders_stop", args=[token])


def stop_token_read(token: str) -> tuple[Resident, str] | None:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("c") not in CHANNELS:
        return None
    resident_id = data.get("r")
    if not isinstance(resident_id, int):
        return None
    resident = Resident.objects.filter(pk=resident_id).first()
    return (resident, data["c"]) if resident is not None else None


def stopped_channels(resident: Resident) -> set[str]:
    return set(resident.reminder_stops.values_list("channel", flat=True))


def reminders_stop(*, resident: Resident, channel: str, source: str) -> None:
    """No more reminders by `channel`: the ones already queued are skipped when due."""
    ReminderStop.objects.get_or_create(
        resident=resident, channel=channel, defaults={"source": source}
    )


def reminders_set(*, resident: Resident, stopped: set[str]) -> None:
    """Her bookings page: exactly these channels stopped."""
    with transaction.atomic():
        resident.reminder_stops.exclude(channel__in=stopped).delete()
        for channel in stopped & set(CHANNELS):
            reminders_stop(resident=resident, channel=channel, source=ReminderStop.Source.PAGE)

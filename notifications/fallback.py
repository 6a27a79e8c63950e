"""Where a message goes when its channel cannot carry it: LINE, then SMS, then email.

Split out of dispatch.py (the dispatcher's rules call these after a permanent failure; the
inbound STOP handler calls the email fallback). Each fallback is one more outbox row with
`fallback_of`, so the outbox's uniqueness rule still holds: if she already gets this message by
that channel, nothing is added. This module never talks to the broker: the caller nudges the
dispatcher.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import LineFriend, Message, SmsOptOut


def line_opt_out(*, user_id: str, at: dt.datetime) -> None:
    """LINE refused a push to her (she blocked the account): as an unfollow, her opt-out."""
    LineFriend.objects.filter(user_id=user_id, following=True).update(
        following=False, opted_out_at=at, updated_at=at
    )


def message_fall_back(*, message: Message) -> Message | None:
    """A message that cannot go by its channel goes by the next one: LINE, then SMS, then
    email. Email has no next channel."""
    if message.channel == Message.Channel.LINE:
        return message_fall_back_to_sms(message=message) or message_fall_back_to_email(
            message=message
        )
    if message.channel == Message.Channel.SMS:
        return message_fall_back_to_email(message=message)
    return None


def message_fall_back_to_sms(*, message: Message) -> Message | None:
    """A LINE message she cannot get becomes an SMS to her mobile, unless she stopped SMS."""
    booking = message.booking
    if booking is None or booking.pregnancy is None:
        return None
    resident = booking.pregnancy.resident
    phone = resident.phone
    if not phone or resident.sms_opt_out or SmsOptOut.objects.filter(phone=phone).exists():
        return None
    try:
        with transaction.atomic():
            return Message.objects.create(
                booking=booking,
                municipality_id=message.municipality_id,
                purpose=message.purpose,
                channel=Message.Channel.SMS,
                occurrence=message.occurrence,
                language=message.language,
                recipient=phone,
                send_at=timezone.now(),
                fallback_of=message,
            )
    except IntegrityError:
        return None


def message_fall_back_to_email(*, message: Message) -> Message | None:
    """An SMS that cannot reach her becomes an email, if she gave an address. Returns the new
    row (the caller nudges the dispatcher: tasks.py talks to the broker, this module never).

    The fallback is one more outbox row (same purpose and occurrence, channel email), so the
    uniqueness rule still holds: if she already gets this message by email, nothing is added.
    """
    booking = message.booking
    if booking is None or booking.pregnancy is None:
        return None
    email = booking.pregnancy.resident.email
    if not email:
        return None
    try:
        with transaction.atomic():
            fallback = Message.objects.create(
                booking=booking,
                municipality_id=message.municipality_id,
                purpose=message.purpose,
                channel=Message.Channel.EMAIL,
                occurrence=message.occurrence,
                language=message.language,
                recipient=email,
                send_at=timezone.now(),
                fallback_of=message,
            )
    except IntegrityError:
        return None
    return fallback

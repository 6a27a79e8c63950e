"""The outbox side of home visits (issue 15): when the district nurse confirms a time, she is
told by SMS (a mobile that has not opted out) or else by email, in the same transaction as the
confirmation. The text says when, and nothing else: no address, no health word.

A home visit is not a Booking, so the row has no booking; what the text needs (when, the
municipality's phone) travels in its context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import phonenumbers
from django.utils import timezone

from .home_visit_rules import occurrence_for
from .models import Message, SmsOptOut
from .tasks import wake_dispatcher_on_commit
from .texts import format_when

if TYPE_CHECKING:
    from scheduling.home_visit_models import HomeVisit


def _is_mobile(e164: str) -> bool:
    try:
        number = phonenumbers.parse(e164, "JP")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def _channel(visit: HomeVisit) -> tuple[str, str] | None:
    """SMS to a mobile that has not opted out, else email (an SMS to a fixed line fails)."""
    resident = visit.pregnancy.resident
    if resident.phone and _is_mobile(resident.phone) and not resident.sms_opt_out:
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
        send_at=timezone.now(),
    )
    wake_dispatcher_on_commit()
    return message

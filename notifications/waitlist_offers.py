"""The outbox side of the waitlist (issue 16): "an earlier time is free", by SMS (a mobile that
has not opted out) or else by email, queued in the transaction that makes the offer. The text
says when, where, until when it is kept and how to take it (the link, or a call): it makes sense
without the link and carries no health word.

The row points at the offer's hold (a Booking without a pregnancy yet); the hold's release when
the offer ends takes back an unsent message (outbox.messages_void_pending).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from .models import Message, SmsOptOut
from .tasks import wake_dispatcher_on_commit

if TYPE_CHECKING:
    from scheduling.models import Resident
    from scheduling.waitlist_models import WaitlistOffer

PURPOSE = Message.Purpose.WAITLIST_OFFER


def offer_url(offer: WaitlistOffer) -> str:
    # The short form (/w/…, a redirect to /waitlist/offers/…): it keeps the SMS in two segments.
    return f"{settings.SITE_ROOT}/w/{offer.token}/"


def _channel(resident: Resident) -> tuple[str, str] | None:
    if resident.phone and not resident.sms_opt_out:
        if not SmsOptOut.objects.filter(phone=resident.phone).exists():
            return Message.Channel.SMS, resident.phone
    if resident.email:
        return Message.Channel.EMAIL, resident.email
    return None


def queue_offer(offer: WaitlistOffer) -> Message | None:
    """Queue the offer's message (inside the offering transaction). None: no way to reach her;
    the offer still stands on her page and the staff list."""
    pregnancy = offer.entry.pregnancy
    channel = _channel(pregnancy.resident)
    if channel is None:
        return None
    municipality = offer.entry.municipality
    language = pregnancy.preferred_language
    message = Message.objects.create(
        booking_id=offer.hold_id,
        municipality=municipality,
        purpose=PURPOSE,
        channel=channel[0],
        recipient=channel[1],
        language=language,
        occurrence=f"offer-{offer.pk}",
        context={
            "url": offer_url(offer),
            # The same day (offers are made in civil hours and last minutes): the time only.
            "until": offer.expires_at.astimezone(municipality.tz).strftime("%H:%M"),
        },
        send_at=timezone.now(),
    )
    wake_dispatcher_on_commit()
    return message

"""The button under a LINE booking message: it opens her booking page (see, change, cancel).

The text above the button and the alternative text (what a lock screen, a watch or an old
client shows instead of the button) follow the SMS privacy rule: the municipality, "booking" and
the reference, never a health word. Her booking page asks her to sign in, so the link itself
reveals nothing either.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from .models import Message
from .texts import municipality_name
from .transports.base import LineButton

BUTTON_PURPOSES = frozenset(
    {
        Message.Purpose.CONFIRMATION,
        Message.Purpose.REMINDER,
        Message.Purpose.RESCHEDULE,
        Message.Purpose.CANCELLATION,
    }
)


def line_booking_button(message: Message) -> LineButton | None:
    """For a LINE message about a booking; None for anything else (codes, offers, visits)."""
    booking = message.booking
    if (
        message.channel != Message.Channel.LINE
        or booking is None
        or message.purpose not in BUTTON_PURPOSES
    ):
        return None
    language = message.language or settings.LANGUAGE_CODE
    with translation.override(language):
        text = gettext("%(municipality)s booking %(reference)s: see, change or cancel it here.") % {
            "municipality": municipality_name(booking.municipality, language),
            "reference": booking.display_reference,
        }
        label = gettext("Open my booking")
    return LineButton(
        text=text,
        label=label,
        url=f"{settings.SITE_ROOT}/bookings/{booking.reference}/",
        alt_text=text,
    )

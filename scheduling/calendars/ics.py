"""One booking as an iCalendar event, for the resident: the email attachment and the download.

The UID is the booking's `calendar_uid` and SEQUENCE its `sequence`, so a rescheduled booking
updates the event she already has and a cancellation (METHOD:CANCEL) removes it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from scheduling.contacts import remote_way
from scheduling.models import Booking, Mode

PRODID = "-//Yurikago//Interview booking//JA"


def booking_location(booking: Booking) -> str:
    """Where she goes: the site and its address; for a remote interview (issue 15) the join link
    or the number we call her from, never an address."""
    way = remote_way(booking)
    if way is None:
        return f"{booking.site.name} {booking.site.address}"
    if way.mode == Mode.PHONE:
        return _("Phone call from %(number)s") % {"number": way.call_from}
    return way.join_url or _("Video call")


def booking_event(booking: Booking, *, cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", booking.calendar_uid)
    event.add("sequence", booking.sequence)
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("last-modified", booking.updated_at.astimezone(dt.UTC))
    event.add("dtstart", booking.start.astimezone(dt.UTC))
    event.add("dtend", booking.end.astimezone(dt.UTC))
    # The title says "booking" and the municipality, never anything about a pregnancy: her
    # calendar may be shared or shown on a lock screen.
    event.add(
        "summary",
        _("%(municipality)s booking %(reference)s")
        % {"municipality": booking.municipality.name, "reference": booking.display_reference},
    )
    event.add("location", booking_location(booking))
    event.add("url", f"{settings.SITE_ROOT}/bookings/{booking.reference}/")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def booking_ics(booking: Booking, *, cancelled: bool | None = None) -> bytes:
    """The booking as a calendar file; METHOD:CANCEL when it is cancelled."""
    if cancelled is None:
        cancelled = booking.status == Booking.Status.CANCELLED
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    cal.add_component(booking_event(booking, cancelled=cancelled))
    return cal.to_ical()

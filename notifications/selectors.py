"""Reads for staff pages: what was sent to whom, and what failed. Each is one query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Message

if TYPE_CHECKING:
    from scheduling.models import Booking


def messages_for_booking(booking: Booking) -> QuerySet[Message]:
    """Every message a booking caused, oldest first (fallbacks next to what they replace)."""
    return (
        Message.objects.filter(booking=booking)
        .select_related("fallback_of")
        .order_by("send_at", "id")
    )


def failed_messages_for_sites(
    site_ids: Iterable[int], since: dt.datetime | None = None
) -> QuerySet[Message]:
    """Failed messages of bookings at these sites, newest first, for the staff's follow-up.

    The caller passes the sites the person may see (scheduling.access decides that).
    """
    qs = Message.objects.filter(
        status=Message.Status.FAILED, booking__site_id__in=list(site_ids)
    ).select_related("booking__site", "fallback_of")
    if since is not None:
        qs = qs.filter(updated_at__gte=since)
    return qs.order_by("-updated_at", "-id")

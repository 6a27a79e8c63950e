"""Reads for staff pages: what was sent to whom, and what failed. Each is one query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Min, Q, QuerySet

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


@dataclass(frozen=True)
class OutboxHealth:
    late: int  # due longer than the allowed wait and still pending
    stuck: int  # claimed, and the claim's lease ran out longer than the allowed wait ago
    oldest_due: dt.datetime | None  # of the late ones

    @property
    def healthy(self) -> bool:
        return not self.late and not self.stuck


def outbox_health(*, now: dt.datetime, late_after: dt.timedelta) -> OutboxHealth:
    """Is the outbox moving? One aggregate query over the two indexed states; counts only.

    Beat runs the dispatcher every minute and the reconciler settles expired leases, so a row
    still waiting `late_after` past its moment means beat, the broker or every worker is down:
    exactly when reminders would otherwise stop without anyone noticing.
    """
    cutoff = now - late_after
    late = Q(status=Message.Status.PENDING, send_at__lt=cutoff)
    stuck = Q(status=Message.Status.SENDING, lease_until__lt=cutoff)
    figures = Message.objects.filter(late | stuck).aggregate(
        late=Count("id", filter=late),
        stuck=Count("id", filter=stuck),
        oldest_due=Min("send_at", filter=late),
    )
    return OutboxHealth(
        late=figures["late"], stuck=figures["stuck"], oldest_due=figures["oldest_due"]
    )

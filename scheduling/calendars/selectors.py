"""Reads for calendars: feeds, a nurse's external calendars, bookings flagged by a conflict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from scheduling.models import Booking, ExternalCalendar, Nurse, Site

from .services import hash_token

# A feed shows what happened or will happen; holds and expired holds never reach a calendar.
FEED_STATUSES = (Booking.Status.CONFIRMED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW)
# The only columns a feed reads, in the order feeds._event_lines unpacks them: nothing of the
# resident or her pregnancy is even loaded.
FEED_FIELDS = (
    "reference",
    "start",
    "end",
    "status",
    "sequence",
    "mode",
    "room",
    "created_at",
    "updated_at",
    "site__name",
    "site__address",
)


def _valid_token(token: str) -> bool:
    # token_urlsafe(32) is 43 characters; anything much shorter was never issued by us.
    return 20 <= len(token) <= 100


def nurse_by_feed_token(token: str) -> Nurse | None:
    if not _valid_token(token):
        return None
    from .visit_feed import with_visit_summary

    return with_visit_summary(
        Nurse.objects.select_related("municipality").filter(
            feed_token_hash=hash_token(token), is_active=True
        )
    ).first()


def site_by_feed_token(token: str) -> Site | None:
    if not _valid_token(token):
        return None
    return (
        Site.objects.select_related("municipality")
        .filter(feed_token_hash=hash_token(token), is_active=True)
        .first()
    )


def _feed_filter(now: dt.datetime) -> Q:
    since = now - dt.timedelta(days=settings.CALENDAR_FEED_PAST_DAYS)
    cancelled_since = now - dt.timedelta(days=settings.CALENDAR_FEED_KEEP_CANCELLED_DAYS)
    # Cancelled ones stay a while as STATUS:CANCELLED so subscribed calendars delete them.
    return Q(start__gte=since) & (
        Q(status__in=FEED_STATUSES)
        | Q(status=Booking.Status.CANCELLED, cancelled_at__gte=cancelled_since)
    )


def feed_bookings_for_nurse(nurse: Nurse, *, now: dt.datetime) -> QuerySet[Booking]:
    return Booking.objects.filter(_feed_filter(now), nurse=nurse)


def feed_bookings_for_site(site: Site, *, now: dt.datetime) -> QuerySet[Booking]:
    return Booking.objects.filter(_feed_filter(now), site=site)


def feed_rows(bookings: QuerySet[Booking]) -> QuerySet[Booking, tuple[Any, ...]]:
    """Plain tuples of FEED_FIELDS: a feed of 500 must not build 1,000 model instances."""
    return bookings.order_by("start", "id").values_list(*FEED_FIELDS)


def calendars_for_nurse(nurse: Nurse) -> QuerySet[ExternalCalendar]:
    return (
        ExternalCalendar.objects.filter(nurse=nurse)
        .defer("uploaded_ics")
        .order_by("created_at", "id")
    )


def bookings_with_calendar_conflicts(
    *,
    now: dt.datetime,
    nurse_id: int | None = None,
    site_ids: Iterable[int] | None = None,
) -> QuerySet[Booking]:
    """Upcoming confirmed bookings that overlap a busy time in the nurse's own calendar."""
    condition = Q(pk__in=[])
    if nurse_id is not None:
        condition |= Q(nurse_id=nurse_id)
    if site_ids is not None:
        condition |= Q(site_id__in=list(site_ids))
    return (
        Booking.objects.filter(
            condition, status=Booking.Status.CONFIRMED, calendar_conflict=True, end__gt=now
        )
        .select_related("site", "nurse")
        .order_by("start")
    )

"""Everything about bookings, aggregated in the database (GROUP BY site × status × channel ×
buckets, GROUP BY day): no Python loop ever runs over bookings, only over the groups."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TypedDict

from django.db.models import BooleanField, Case, Count, F, IntegerField, Q, Sum, Value, When

from notifications.models import Message

from ..models import Booking, BookingEvent
from .figures import BOOKED, FULL_TERM_DAYS, GESTATION_BUCKETS, LEAD_TIME_BUCKETS, SiteFigures
from .sql import DaysBetween, DaysUntil, LocalDate


@dataclass
class _BookingFigures:
    """What the bookings of a period add up to, per site and in total (see booking_groups)."""

    per_site: dict[int, SiteFigures]
    lead_time: Counter[int]  # index into LEAD_TIME_BUCKETS -> interviews
    gestation: Counter[int]  # index into GESTATION_BUCKETS -> interviews


def _lead_bucket() -> Case:
    """The row's index into LEAD_TIME_BUCKETS, evaluated once per row; NULL without a
    confirmation time or below the first bucket (such rows still count in the average)."""
    whens = [
        When(
            Q(confirmed_at__isnull=True) | Q(lead_days__lt=LEAD_TIME_BUCKETS[0][1]),
            then=Value(None),
        )
    ]
    # Tested in order: each bucket starts where the one before ends (test_report_groups.py).
    whens += [
        When(lead_days__lt=high, then=Value(i))
        for i, (_label, _low, high) in enumerate(LEAD_TIME_BUCKETS)
        if high is not None
    ]
    return Case(*whens, default=Value(len(LEAD_TIME_BUCKETS) - 1), output_field=IntegerField())


def _week_bucket() -> Case:
    """The row's index into GESTATION_BUCKETS; NULL exactly when there is no due date."""
    whens = [When(pregnancy__due_date__isnull=True, then=Value(None))]
    # week <= w  ⇔  days to the due date > 280 - 7(w + 1)
    whens += [
        When(to_due__gt=FULL_TERM_DAYS - 7 * (last + 1), then=Value(i))
        for i, (_label, _first, last) in enumerate(GESTATION_BUCKETS)
        if last is not None
    ]
    return Case(*whens, default=Value(len(GESTATION_BUCKETS) - 1), output_field=IntegerField())


def booking_groups(
    site_ids: list[int], range_start: dt.datetime, range_end: dt.datetime, tz: dt.tzinfo
) -> _BookingFigures:
    """Bookings grouped in the database by what the figures tell apart (site, status, channel,
    late or not, lead-time bucket, gestation bucket), then the few hundred groups added up here.

    One GROUP BY replaces a dozen conditional counts per row, each recomputing the date
    arithmetic (SQLite does not share subexpressions); the groups are bounded by sites ×
    statuses × channels × buckets, never by the number of bookings.
    """
    # Not a correlated EXISTS: PostgreSQL costs one per row, and past ~30,000 bookings that
    # estimate alone switches on JIT compilation (0.9 s, more than the query). An IN list of the
    # period's late cancellations is one hashed subplan there and one temporary index in SQLite.
    late_ids = BookingEvent.objects.filter(
        kind=BookingEvent.Kind.CANCELLED,
        data__late=True,
        booking__site_id__in=site_ids,
        booking__start__gte=range_start,
        booking__start__lt=range_end,
    ).values("booking_id")
    rows = (
        Booking.objects.filter(site_id__in=site_ids, start__gte=range_start, start__lt=range_end)
        .exclude(status__in=[Booking.Status.HELD, Booking.Status.EXPIRED])
        .annotate(
            lead_days=DaysBetween(F("start"), F("confirmed_at")),
            to_due=DaysUntil(F("pregnancy__due_date"), LocalDate(F("start"), tz, range_start)),
        )
        .annotate(
            is_late=Case(
                When(Q(status=Booking.Status.CANCELLED) & Q(pk__in=late_ids), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            lead_bucket=_lead_bucket(),
            week_bucket=_week_bucket(),
        )
        .values_list("site_id", "status", "channel", "is_late", "lead_bucket", "week_bucket")
        .annotate(
            n=Count("id"),
            minutes=Sum("interview_type__duration_minutes"),
            lead_n=Count("confirmed_at"),
            lead_sum=Sum("lead_days"),
            due_sum=Sum("to_due"),
        )
        .order_by()
    )
    figures = _BookingFigures(per_site={}, lead_time=Counter(), gestation=Counter())
    for (
        site_id,
        status,
        channel,
        is_late,
        lead_bucket,
        week_bucket,
        n,
        minutes,
        lead_n,
        lead_sum,
        due_sum,
    ) in rows:
        f = figures.per_site.setdefault(site_id, SiteFigures(site_id=site_id, site_name=""))
        if status == Booking.Status.CANCELLED:
            f.cancelled += n
            f.late_cancellations += n if is_late else 0
        if status not in BOOKED:
            continue
        f.booked_slots += n
        f.booked_minutes += minutes or 0
        if status == Booking.Status.ATTENDED:
            f.attended_slots += n
            f.attended_minutes += minutes or 0
        elif status == Booking.Status.NO_SHOW:
            f.no_shows += n
        if channel == Booking.Channel.ONLINE:
            f.online += n
        elif channel == Booking.Channel.STAFF:
            f.staff += n
        elif channel == Booking.Channel.API:
            f.api += n
        if lead_n:
            f.lead_time_count += lead_n
            f.lead_time_days_sum += float(lead_sum)
        if lead_bucket is not None:
            figures.lead_time[lead_bucket] += n
        if week_bucket is not None:  # NULL exactly when there is no due date
            f.gestation_count += n
            f.gestation_days_sum += float(due_sum)
            figures.gestation[week_bucket] += n
    return figures


class _DayCounts(TypedDict):
    """One day's booked interviews (the rows also carry their `day`)."""

    booked: int
    attended: int
    no_shows: int


def bookings_per_day(
    site_ids: list[int], range_start: dt.datetime, range_end: dt.datetime, tz: dt.tzinfo
) -> dict[dt.date, _DayCounts]:
    return {
        _as_date(row["day"]): row
        for row in Booking.objects.filter(
            site_id__in=site_ids,
            start__gte=range_start,
            start__lt=range_end,
            status__in=BOOKED,
        )
        .annotate(day=LocalDate(F("start"), tz, range_start))
        .values("day")
        .annotate(
            booked=Count("id"),
            attended=Count("id", filter=Q(status=Booking.Status.ATTENDED)),
            no_shows=Count("id", filter=Q(status=Booking.Status.NO_SHOW)),
        )
        .order_by()
    }


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def failed_messages(
    site_ids: list[int], range_start: dt.datetime, range_end: dt.datetime
) -> dict[int, int]:
    return dict(
        Message.objects.filter(
            booking__site_id__in=site_ids,
            status=Message.Status.FAILED,
            send_at__gte=range_start,
            send_at__lt=range_end,
        )
        .values_list("booking__site_id")
        .annotate(n=Count("id"))
        .order_by()
    )

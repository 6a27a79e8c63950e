"""Reads for the staff portal: her interviews, a nurse's schedule, a preview of her slots.

Each loads in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .availability import open_slots
from .models import AvailabilityRule, Booking, InterviewType, Nurse, Site, TimeOff

HIDDEN = (Booking.Status.HELD, Booking.Status.EXPIRED)


def staff_bookings(
    *,
    site_ids: Iterable[int],
    date_from: dt.date,
    date_to: dt.date,
    tz: dt.tzinfo,
    nurse_id: int | None = None,
) -> QuerySet[Booking]:
    """Interviews at these sites between two local dates (both included), earliest first;
    only hers when nurse_id is given. Holds are not interviews yet."""
    start = dt.datetime.combine(date_from, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    qs = Booking.objects.filter(site_id__in=list(site_ids), start__gte=start, start__lt=end)
    if nurse_id is not None:
        qs = qs.filter(nurse_id=nurse_id)
    return (
        qs.exclude(status__in=HIDDEN)
        .select_related("site", "nurse", "interview_type", "contact", "pregnancy__resident")
        .order_by("start", "site_id")
    )


def nurses_at_sites(site_ids: Iterable[int]) -> QuerySet[Nurse]:
    return (
        Nurse.objects.filter(sites__in=list(site_ids), is_active=True).distinct().order_by("name")
    )


@dataclass
class NurseSchedule:
    nurse: Nurse
    sites: list[Site]
    # site id -> weekday -> rules, for rules still valid today or later
    rules: dict[int, dict[int, list[AvailabilityRule]]]
    time_off: list[TimeOff]


def nurse_schedule_for_editing(nurse: Nurse, today: dt.date) -> NurseSchedule:
    """Her current and future weekly ranges per site and weekday, and her time off to come."""
    nurse = (
        Nurse.objects.select_related("municipality")
        .prefetch_related(Prefetch("sites", queryset=Site.objects.order_by("ordering_key", "id")))
        .get(pk=nurse.pk)
    )
    rules: dict[int, dict[int, list[AvailabilityRule]]] = defaultdict(lambda: defaultdict(list))
    for rule in nurse.rules.exclude(valid_to__lt=today).order_by("weekday", "start_time"):
        rules[rule.site_id][rule.weekday].append(rule)
    start_of_today = dt.datetime.combine(today, dt.time(0), tzinfo=nurse.municipality.tz)
    time_off = list(
        nurse.time_off.filter(end__gt=start_of_today)
        | nurse.time_off.filter(weekly_until__gte=today)
    )
    time_off.sort(key=lambda off: off.start)
    return NurseSchedule(nurse=nurse, sites=list(nurse.sites.all()), rules=rules, time_off=time_off)


@dataclass(frozen=True)
class PreviewDay:
    day: dt.date
    site_id: int
    starts: tuple[dt.datetime, ...]


def nurse_slot_preview(
    *,
    nurse: Nurse,
    interview_type: InterviewType,
    date_from: dt.date,
    date_to: dt.date,
    now: dt.datetime | None = None,
    site_ids: list[int] | None = None,
) -> list[PreviewDay]:
    """The times residents could book with her, per day and site, as the booking page computes
    them (staff view: inside the minimum notice too)."""
    now = now or timezone.now()
    if site_ids is None:
        site_ids = list(nurse.sites.values_list("id", flat=True))
    by_day: dict[tuple[dt.date, int], list[dt.datetime]] = defaultdict(list)
    tz = nurse.municipality.tz
    for mode in interview_type.modes or ["in_person"]:
        for slot in open_slots(
            municipality=nurse.municipality,
            interview_type=interview_type,
            date_from=date_from,
            date_to=date_to,
            site_ids=site_ids,
            mode=mode,
            now=now,
            ignore_notice=True,
        ):
            if nurse.pk in slot.nurse_ids:
                key = (slot.start.astimezone(tz).date(), slot.site_id)
                if slot.start not in by_day[key]:
                    by_day[key].append(slot.start)
    return [
        PreviewDay(day=d, site_id=s, starts=tuple(sorted(v)))
        for (d, s), v in sorted(by_day.items())
    ]

"""Open slots: nurse rules − closures − time off − busy blocks − bookings and holds.

Everything is loaded in a fixed number of queries (sites, closures, rules, time off, busy blocks,
bookings: six, whatever the range, the number of sites or nurses), then computed in Python.

Read paths (the API, the resident month and day pages) go through `open_slots_cached`, a
micro-cache of a few seconds; the booking services always call `open_slots` inside their
transaction, so a stale entry can at worst show a place that was just taken.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import jpholiday
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import (
    AvailabilityRule,
    Booking,
    BusyBlock,
    InterviewType,
    Mode,
    Municipality,
    Site,
    SiteClosure,
    TimeOff,
)

Interval = tuple[dt.datetime, dt.datetime]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Slot:
    site_id: int
    start: dt.datetime
    end: dt.datetime
    mode: str
    # Free nurses, least loaded first: the booking service assigns the first.
    nurse_ids: tuple[int, ...]
    # Free room numbers (in-person only); empty for video and phone.
    free_rooms: tuple[int, ...] = ()

    @property
    def capacity(self) -> int:
        if self.mode == Mode.IN_PERSON:
            return min(len(self.nurse_ids), len(self.free_rooms))
        return len(self.nurse_ids)


# --- Calendar rules (pure) --------------------------------------------------------------------


def _mmdd(value: str) -> tuple[int, int] | None:
    if not value:
        return None
    month, day = value.split("-")
    return int(month), int(day)


def in_year_end(day: dt.date, start: str, end: str) -> bool:
    """True inside a closure like 12-29 … 01-03 that wraps the new year."""
    first, last = _mmdd(start), _mmdd(end)
    if first is None or last is None:
        return False
    md = (day.month, day.day)
    if first <= last:
        return first <= md <= last
    return md >= first or md <= last


def nth_weekday_of_month(day: dt.date) -> int:
    return (day.day - 1) // 7 + 1


def is_public_holiday(municipality: Municipality, day: dt.date) -> bool:
    if municipality.holiday_calendar == Municipality.HolidayCalendar.JAPAN:
        return _japanese_holiday(day)
    return False


@functools.lru_cache(maxsize=4096)
def _japanese_holiday(day: dt.date) -> bool:
    # jpholiday recomputes the year's holidays on every call (≈50 µs), and the engine and the
    # reports ask once per site and day. Its table is fixed by law per release: safe to keep.
    return jpholiday.is_holiday(day)


def site_is_open(site: Site, day: dt.date, closures: Iterable[SiteClosure] = ()) -> bool:
    if day.weekday() not in site.open_weekdays:
        return False
    if site.closed_on_public_holidays and is_public_holiday(site.municipality, day):
        return False
    if in_year_end(day, site.year_end_start, site.year_end_end):
        return False
    for n, weekday in site.closed_nth_weekdays:
        if day.weekday() == weekday and nth_weekday_of_month(day) == n:
            return False
    return not any(
        c.date_from <= day <= c.date_to and (c.site_id is None or c.site_id == site.id)
        for c in closures
    )


def is_business_day(municipality: Municipality, day: dt.date) -> bool:
    """A day the municipal offices work: weekdays, not holidays, not 12/29–1/3."""
    return (
        day.weekday() < 5
        and not is_public_holiday(municipality, day)
        and not in_year_end(day, "12-29", "01-03")
    )


def cancel_deadline(
    municipality: Municipality, interview_type: InterviewType, start: dt.datetime
) -> dt.datetime:
    """E.g. 11:00 on the business day before the interview."""
    tz = municipality.tz
    day = start.astimezone(tz).date()
    remaining = interview_type.cancel_deadline_business_days
    while remaining > 0:
        day -= dt.timedelta(days=1)
        if is_business_day(municipality, day):
            remaining -= 1
    return dt.datetime.combine(day, interview_type.cancel_deadline_time, tzinfo=tz)


def booking_window(
    site: Site, interview_type: InterviewType, now: dt.datetime
) -> tuple[dt.datetime, dt.date]:
    """The earliest bookable start and the last bookable local date."""
    tz = site.municipality.tz
    today = now.astimezone(tz).date()
    earliest = now + dt.timedelta(hours=interview_type.min_notice_hours)
    if site.min_notice_days is not None:
        first_day = today + dt.timedelta(days=site.min_notice_days)
        earliest = max(earliest, dt.datetime.combine(first_day, dt.time(0), tzinfo=tz))
    return earliest, today + dt.timedelta(days=interview_type.max_days_ahead)


@functools.lru_cache(maxsize=1024)
def rule_slot_times(
    start_time: dt.time,
    end_time: dt.time,
    duration: dt.timedelta,
    step: dt.timedelta,
    last_start: dt.time | None,
) -> tuple[tuple[dt.time, dt.time], ...]:
    """(start, end) local times of the slots a weekly rule yields on any day it applies: every
    `step` from its start while the interview fits before its end, none after the site's last
    start time. The same for every day, so kept (a rule's hours are few)."""
    day = dt.date(2000, 1, 3)  # any date: wall-clock times only
    start = dt.datetime.combine(day, start_time)
    rule_end = dt.datetime.combine(day, end_time)
    result = []
    while start + duration <= rule_end:
        if last_start is not None and start.time() > last_start:
            break
        result.append((start.time(), (start + duration).time()))
        start += step
    return tuple(result)


def time_off_occurrences(
    off: TimeOff, *, until: dt.datetime, tz: dt.tzinfo, since: dt.datetime | None = None
) -> list[Interval]:
    """Her time away as intervals starting before `until` (and ending after `since`): once, or
    once a week until `weekly_until` (a local date, hence the time zone)."""
    week = dt.timedelta(days=7)
    start, end = off.start, off.end
    result = []
    while start < until:
        if since is None or end > since:
            result.append((start, end))
        if not off.weekly_until:
            break
        start, end = start + week, end + week
        if start.astimezone(tz).date() > off.weekly_until:
            break
    return result


def local_days(start: dt.datetime, end: dt.datetime, tz: dt.tzinfo) -> list[dt.date]:
    """The local dates an interval touches (its end excluded)."""
    first = start.astimezone(tz).date()
    last = (end - dt.timedelta(microseconds=1)).astimezone(tz).date()
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def away_by_nurse_day(
    time_off: Iterable[TimeOff],
    busy: Iterable[tuple[int, dt.datetime, dt.datetime]],
    *,
    since: dt.datetime,
    until: dt.datetime,
    tz: dt.tzinfo,
) -> dict[tuple[int, dt.date], list[Interval]]:
    """(nurse, local date) -> the intervals she is away that day, from her time off (weekly
    ones expanded) and her calendars' busy blocks (nurse id, start, end), over since … until."""
    away: dict[tuple[int, dt.date], list[Interval]] = defaultdict(list)
    intervals = [
        (off.nurse_id, start, end)
        for off in time_off
        for start, end in time_off_occurrences(off, until=until, tz=tz, since=since)
    ]
    for nurse_id, start, end in [*intervals, *busy]:
        for day in local_days(start, end, tz):
            away[(nurse_id, day)].append((start, end))
    return away


# --- Loading -----------------------------------------------------------------------------------


@dataclass
class _Data:
    sites: list[Site]
    closures: list[SiteClosure]
    rules: list[AvailabilityRule]
    # (nurse, local date) -> intervals the nurse is away
    away: dict[tuple[int, dt.date], list[Interval]] = field(default_factory=dict)
    # (nurse, local date) -> intervals of her active bookings (start, blocked_until)
    booked: dict[tuple[int, dt.date], list[Interval]] = field(default_factory=dict)
    # (site, local date) -> (start, blocked_until, room) of in-person bookings using a room
    rooms_used: dict[tuple[int, dt.date], list[tuple[dt.datetime, dt.datetime, int]]] = field(
        default_factory=dict
    )
    # nurse -> {local date: bookings that day}; for balancing
    load: dict[int, dict[dt.date, int]] = field(default_factory=dict)
    # Caches for one open_slots call (one buffer), filled on first use; see blocked_for_nurse.
    _nurse_blocked: dict[tuple[int, dt.date], _Blocked] = field(default_factory=dict)
    _room_blocked: dict[tuple[int, dt.date], dict[int, _Blocked]] = field(default_factory=dict)

    def blocked_for_nurse(self, nurse_id: int, day: dt.date, buffer: dt.timedelta) -> _Blocked:
        """Where an interview of hers may not lie that day: away, or a booking's time.

        A booking's start moves back by the new interview's buffer, so one overlap test
        answers both "is she away during it" and "does its buffer run into a booking".
        """
        key = (nurse_id, day)
        if key not in self._nurse_blocked:
            self._nurse_blocked[key] = _merge(
                [*self.away.get(key, ()), *((s - buffer, e) for s, e in self.booked.get(key, ()))]
            )
        return self._nurse_blocked[key]

    def blocked_rooms(
        self, site_id: int, day: dt.date, buffer: dt.timedelta
    ) -> dict[int, _Blocked]:
        key = (site_id, day)
        if key not in self._room_blocked:
            by_room: dict[int, list[Interval]] = defaultdict(list)
            for s, e, room in self.rooms_used.get(key, ()):
                by_room[room].append((s - buffer, e))
            self._room_blocked[key] = {room: _merge(v) for room, v in by_room.items()}
        return self._room_blocked[key]


# Merged, disjoint, sorted intervals as (starts, ends) in POSIX seconds, for a bisect per
# candidate slot instead of a scan over every booking of the day (the engine's hot path, see
# bench/README.md); floats because comparing datetimes of different zones is several times
# slower.
_Blocked = tuple[list[float], list[float]]


def _merge(intervals: list[Interval]) -> _Blocked:
    starts: list[float] = []
    ends: list[float] = []
    for s, e in sorted((s.timestamp(), e.timestamp()) for s, e in intervals):
        if ends and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def _is_free(blocked: _Blocked | None, start: float, end: float) -> bool:
    if not blocked:
        return True
    starts, ends = blocked
    i = bisect_right(ends, start)  # the first interval ending after `start`
    return i == len(ends) or starts[i] >= end


def time_off_between(
    nurse_ids: Iterable[int], range_start: dt.datetime, range_end: dt.datetime, date_from: dt.date
) -> QuerySet[TimeOff]:
    """Time off of these nurses that may fall in the range (weekly ones started before it)."""
    return TimeOff.objects.filter(nurse_id__in=list(nurse_ids), start__lt=range_end).filter(
        Q(end__gt=range_start) | Q(weekly_until__gte=date_from)
    )


def busy_blocks_between(
    nurse_ids: Iterable[int], range_start: dt.datetime, range_end: dt.datetime
) -> QuerySet[BusyBlock, tuple[int, dt.datetime, dt.datetime]]:
    """(nurse id, start, end) of their calendars' busy blocks overlapping the range."""
    return BusyBlock.objects.filter(
        nurse_id__in=list(nurse_ids), start__lt=range_end, end__gt=range_start
    ).values_list("nurse_id", "start", "end")


def _load(
    municipality: Municipality,
    site_ids: Sequence[int] | None,
    date_from: dt.date,
    date_to: dt.date,
    now: dt.datetime,
    exclude_booking_id: int | None,
) -> _Data:
    tz = municipality.tz
    range_start = dt.datetime.combine(date_from, dt.time(0), tzinfo=tz)
    range_end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz)

    sites_qs = Site.objects.filter(municipality=municipality, is_active=True)
    if site_ids is not None:
        sites_qs = sites_qs.filter(id__in=list(site_ids))
    # No ORDER BY here or below: slots are sorted at the end, and sorting rows the engine
    # reads once is a measurable share of a one-day call (bench/bench_availability.py).
    sites = list(sites_qs.order_by())
    for site in sites:
        site.municipality = municipality  # avoid a query per site
    ids = [s.id for s in sites]

    closures = list(
        SiteClosure.objects.filter(
            municipality=municipality, date_from__lte=date_to, date_to__gte=date_from
        )
    )
    rules = list(
        AvailabilityRule.objects.filter(
            site_id__in=ids,
            nurse__is_active=True,
            valid_from__lte=date_to,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=date_from))
        .order_by()
    )
    nurse_ids = sorted({r.nurse_id for r in rules})
    data = _Data(sites=sites, closures=closures, rules=rules)
    away = away_by_nurse_day(
        time_off_between(nurse_ids, range_start, range_end, date_from),
        busy_blocks_between(nurse_ids, range_start, range_end),
        since=range_start,
        until=range_end,
        tz=tz,
    )

    booked: dict[tuple[int, dt.date], list[Interval]] = defaultdict(list)
    rooms_used: dict[tuple[int, dt.date], list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(
        list
    )
    load: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    bookings = (
        Booking.objects.active(now)
        .filter(Q(nurse_id__in=nurse_ids) | Q(site_id__in=ids))
        .filter(start__lt=range_end, blocked_until__gt=range_start)
        .values_list("id", "nurse_id", "site_id", "start", "blocked_until", "room")
        .order_by()
    )
    for booking_id, nurse_id, site_id, start, blocked_until, room in bookings:
        if booking_id == exclude_booking_id:
            continue
        for day in local_days(start, blocked_until, tz):
            booked[(nurse_id, day)].append((start, blocked_until))
            if room is not None:
                rooms_used[(site_id, day)].append((start, blocked_until, room))
        load[nurse_id][start.astimezone(tz).date()] += 1

    data.away, data.booked, data.rooms_used, data.load = away, booked, rooms_used, load
    return data


# --- The engine -------------------------------------------------------------------------------


def open_slots(
    *,
    municipality: Municipality,
    interview_type: InterviewType,
    date_from: dt.date,
    date_to: dt.date,
    site_ids: Sequence[int] | None = None,
    mode: str = Mode.IN_PERSON,
    now: dt.datetime | None = None,
    ignore_notice: bool = False,
    exclude_booking_id: int | None = None,
    first_day_only: bool = False,
) -> list[Slot]:
    """Bookable slots with at least one free nurse (and room), ordered by start then site.

    `ignore_notice` lets staff book inside the minimum notice (never in the past, never outside
    the horizon). `exclude_booking_id` ignores one booking, so a reschedule can move within its
    own time. `first_day_only` stops each site at its first day with a slot ("next free slot"
    on the dashboard): the same queries, but not sixty days of slots to find one.
    """
    now = now or timezone.now()
    if date_to < date_from or mode not in interview_type.modes:
        return []
    data = _load(municipality, site_ids, date_from, date_to, now, exclude_booking_id)
    tz = municipality.tz
    duration, buffer = interview_type.duration, interview_type.buffer
    step = dt.timedelta(minutes=interview_type.slot_step_minutes)

    rules_by_site_day: dict[tuple[int, int], list[AvailabilityRule]] = defaultdict(list)
    for rule in data.rules:
        rules_by_site_day[(rule.site_id, rule.weekday)].append(rule)

    slots: list[Slot] = []
    for site in data.sites:
        if site.modes and mode not in site.modes:
            continue
        earliest, last_day = booking_window(site, interview_type, now)
        if ignore_notice:
            earliest = now
        # Strictly after now: a slot starting this instant is already past when she picks it,
        # and the booking service refuses it ("in_past").
        earliest = max(earliest, now + dt.timedelta(microseconds=1))
        day = max(date_from, earliest.astimezone(tz).date())
        site_closures = [c for c in data.closures if c.site_id in (None, site.id)]
        while day <= min(date_to, last_day):
            if site_is_open(site, day, site_closures):
                day_slots = _slots_for_site_day(
                    site,
                    day,
                    rules_by_site_day[(site.id, day.weekday())],
                    data,
                    mode=mode,
                    duration=duration,
                    buffer=buffer,
                    step=step,
                    earliest=earliest,
                )
                slots.extend(day_slots)
                if first_day_only and day_slots:
                    break
            day += dt.timedelta(days=1)
    slots.sort(key=lambda s: (s.start, s.site_id))
    return slots


def _slots_for_site_day(
    site: Site,
    day: dt.date,
    rules: list[AvailabilityRule],
    data: _Data,
    *,
    mode: str,
    duration: dt.timedelta,
    buffer: dt.timedelta,
    step: dt.timedelta,
    earliest: dt.datetime,
) -> list[Slot]:
    tz = site.municipality.tz
    seconds = duration.total_seconds()
    candidates: dict[dt.datetime, list[int]] = defaultdict(list)
    for rule in rules:
        if rule.valid_from > day or (rule.valid_to is not None and rule.valid_to < day):
            continue
        blocked = data.blocked_for_nurse(rule.nurse_id, day, buffer)
        nurse = rule.nurse_id
        times = rule_slot_times(
            rule.start_time, rule.end_time, duration, step, site.last_start_time
        )
        for start_time, _end_time in times:
            start = dt.datetime.combine(day, start_time, tzinfo=tz)
            if start < earliest:
                continue
            at = start.timestamp()
            if _is_free(blocked, at, at + seconds) and nurse not in candidates[start]:
                candidates[start].append(nurse)

    result = []
    room_blocked = data.blocked_rooms(site.id, day, buffer) if mode == Mode.IN_PERSON else {}
    for start, nurses in sorted(candidates.items()):
        end = start + duration
        rooms: tuple[int, ...] = ()
        if mode == Mode.IN_PERSON:
            at = start.timestamp()
            rooms = tuple(
                r
                for r in range(1, site.rooms + 1)
                if _is_free(room_blocked.get(r), at, at + seconds)
            )
            if not rooms:
                continue
        # Her load that day, then her id: never her load over the dates asked for, which would
        # make a month view and the booking itself (one day) put different nurses first.
        ordered = sorted(nurses, key=lambda n: (data.load.get(n, {}).get(day, 0), n))
        result.append(
            Slot(
                site_id=site.id,
                start=start,
                end=end,
                mode=mode,
                nurse_ids=tuple(ordered),
                free_rooms=rooms,
            )
        )
    return result


def days_with_slots(slots: Iterable[Slot], tz: dt.tzinfo) -> dict[dt.date, int]:
    """Local date -> number of open start times, for a month calendar."""
    counts: dict[dt.date, int] = defaultdict(int)
    for slot in slots:
        counts[slot.start.astimezone(tz).date()] += slot.capacity
    return dict(counts)


# --- Micro-cache for read paths ------------------------------------------------------------------

# Bumped after every committed write that can change availability. Entries store the generation
# they were computed under and are ignored once it has moved on, so one round trip (get_many)
# reads both; the entry's TTL bounds what no write announces (a hold expiring, an admin edit).
_GENERATION_KEY = "availability:generation"


def availability_changed() -> None:
    """Announce a write that changes open slots: the cache is invalidated when (and only if)
    the surrounding transaction commits, so a reader can never cache the data before it."""
    transaction.on_commit(_bump_generation, robust=True)


def _bump_generation() -> None:
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:  # never bumped (or evicted): start it; add() is atomic, set() is not
        cache.add(_GENERATION_KEY, 0, timeout=None)
        cache.incr(_GENERATION_KEY)


def _cache_key(form: str, query: dict[str, Any]) -> str:
    """Every argument, by name, so one added to open_slots later cannot share an entry."""
    parts = [f"availability:{form}"]
    for name, value in sorted(query.items()):
        if name == "now":
            # The minute: slot starts are whole minutes, so within one minute the notice and
            # "not in the past" bounds select the same slots.
            value = value.astimezone(dt.UTC).strftime("%Y%m%d%H%M")
        elif name in ("municipality", "interview_type"):
            value = value.pk
        elif name == "site_ids" and value is not None:
            value = ",".join(map(str, sorted(value)))
        parts.append(f"{name}={value}")
    return ":".join(parts)


def open_slots_cached(
    *,
    municipality: Municipality,
    interview_type: InterviewType,
    date_from: dt.date,
    date_to: dt.date,
    site_ids: Sequence[int] | None = None,
    mode: str = Mode.IN_PERSON,
    now: dt.datetime | None = None,
    ignore_notice: bool = False,
    exclude_booking_id: int | None = None,
) -> list[Slot]:
    """`open_slots` through a cache of AVAILABILITY_CACHE_SECONDS (0: off), for pages and the
    API only. Never inside a booking transaction: services must see the rows they lock."""
    return open_slots_cached_as(
        _as_list,
        municipality=municipality,
        interview_type=interview_type,
        date_from=date_from,
        date_to=date_to,
        site_ids=site_ids,
        mode=mode,
        now=now,
        ignore_notice=ignore_notice,
        exclude_booking_id=exclude_booking_id,
    )


def _as_list(slots: list[Slot]) -> list[Slot]:
    return slots


def open_slots_cached_as[T](render: Callable[[list[Slot]], T], /, **query: Any) -> T:
    """`open_slots(**query)` rendered by `render`, through the same cache: what is stored is
    the rendering, so a hit skips it too (the API keeps JSON bytes, which also unpickle far
    faster than Slot objects). `render` is part of the key by its qualified name, so it must be
    a module-level function."""
    query = {
        "site_ids": None,
        "mode": Mode.IN_PERSON,
        "ignore_notice": False,
        "exclude_booking_id": None,
        **query,
        "now": query.get("now") or timezone.now(),
    }
    if settings.AVAILABILITY_CACHE_SECONDS <= 0:
        return render(open_slots(**query))
    key = _cache_key(f"{render.__module__}.{render.__qualname__}", query)
    try:
        found = cache.get_many([_GENERATION_KEY, key])
    except Exception:  # a cache outage must not take the booking pages down with it
        log.warning("availability cache unreachable", exc_info=True)
        return render(open_slots(**query))
    # Read before computing: a write committing meanwhile bumps past it, so what we store
    # under this generation is never served after that write's bump.
    generation = found.get(_GENERATION_KEY, 0)
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    rendered = render(open_slots(**query))
    try:
        cache.set(key, (generation, rendered), timeout=settings.AVAILABILITY_CACHE_SECONDS)
    except Exception:
        log.warning("availability cache unreachable", exc_info=True)
    return rendered

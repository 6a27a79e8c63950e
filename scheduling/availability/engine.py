"""Open slots: nurse rules − closures − time off − busy blocks − bookings and holds, loaded in
six queries whatever the range, the number of sites or nurses, then computed in Python."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import (
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
from .calendar_rules import (
    Interval,
    away_by_nurse_day,
    booking_window,
    local_days,
    rule_slot_times,
    site_is_open,
)


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

    # Site hours serve every mode the site offers; remote hours (issue 15) serve video and phone
    # only, from the nurse's base site, whatever its modes, opening days or rooms.
    rules_by_site_day: dict[tuple[int, int], list[AvailabilityRule]] = defaultdict(list)
    remote_by_site_day: dict[tuple[int, int], list[AvailabilityRule]] = defaultdict(list)
    for rule in data.rules:
        if not rule.remote:
            rules_by_site_day[(rule.site_id, rule.weekday)].append(rule)
        elif mode != Mode.IN_PERSON:
            remote_by_site_day[(rule.site_id, rule.weekday)].append(rule)

    slots: list[Slot] = []
    for site in data.sites:
        site_serves_mode = not site.modes or mode in site.modes
        if not site_serves_mode and not any(k[0] == site.id for k in remote_by_site_day):
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
            day_rules = remote_by_site_day.get((site.id, day.weekday()), [])
            if site_serves_mode and site_is_open(site, day, site_closures):
                day_rules = rules_by_site_day[(site.id, day.weekday())] + day_rules
            if day_rules:
                day_slots = _slots_for_site_day(
                    site,
                    day,
                    day_rules,
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


@lru_cache(maxsize=1024)
def _rule_offsets(
    start_time: dt.time,
    end_time: dt.time,
    duration: dt.timedelta,
    step: dt.timedelta,
    last_start: dt.time | None,
) -> tuple[int, ...]:
    """A rule's slot starts as seconds after local midnight: the same every day it applies."""
    return tuple(
        t.hour * 3600 + t.minute * 60 + t.second
        for t, _end in rule_slot_times(start_time, end_time, duration, step, last_start)
    )


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
    # Candidates as POSIX seconds, no datetime per candidate: local midnight plus the rule's
    # offsets, when the day has one UTC offset (a day with a DST change goes the long way).
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    one_offset = midnight.utcoffset() == (midnight + dt.timedelta(days=1)).utcoffset()
    base = midnight.timestamp()
    earliest_at = earliest.timestamp()
    candidates: dict[float, list[int]] = defaultdict(list)
    for rule in rules:
        if rule.valid_from > day or (rule.valid_to is not None and rule.valid_to < day):
            continue
        blocked = data.blocked_for_nurse(rule.nurse_id, day, buffer)
        nurse = rule.nurse_id
        offsets = _rule_offsets(
            rule.start_time, rule.end_time, duration, step, site.last_start_time
        )
        for offset in offsets:
            if one_offset:
                at = base + offset
            else:
                at = dt.datetime.combine(
                    day, dt.time(offset // 3600, offset // 60 % 60, offset % 60), tzinfo=tz
                ).timestamp()
            if at < earliest_at:
                continue
            if _is_free(blocked, at, at + seconds):
                nurses = candidates[at]
                if nurse not in nurses:
                    nurses.append(nurse)

    result = []
    room_blocked = data.blocked_rooms(site.id, day, buffer) if mode == Mode.IN_PERSON else {}
    site_rooms = range(1, site.rooms + 1)
    load = data.load
    for at, nurses in sorted(candidates.items()):
        rooms: tuple[int, ...] = ()
        if mode == Mode.IN_PERSON:
            rooms = tuple(r for r in site_rooms if _is_free(room_blocked.get(r), at, at + seconds))
            if not rooms:
                continue
        start = dt.datetime.fromtimestamp(at, tz)
        # Her load that day, then her id: never her load over the dates asked for, which would
        # make a month view and the booking itself (one day) put different nurses first.
        ordered = sorted(nurses, key=lambda n: (load.get(n, {}).get(day, 0), n))
        result.append(
            Slot(
                site_id=site.id,
                start=start,
                end=start + duration,
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

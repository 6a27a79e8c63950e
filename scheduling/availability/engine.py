"""Open slots: nurse rules − closures − time off − busy blocks − bookings and holds, loaded in
six queries whatever the range, the number of sites or nurses, then computed in Python."""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
    booking_window,
    rule_slot_times,
    site_is_open,
    time_off_occurrences,
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

# Instants are whole POSIX seconds (ints) from here on: a read start rounded down and an end
# rounded up, which is exact for the whole-second candidates it is compared with (a < ceil(e)
# iff a < e, floor(s) < b iff s < b). Only the slots returned become datetimes.
_Span = tuple[int, int]
# Merged, disjoint, sorted intervals as (starts, ends), for a bisect per candidate instead of a
# scan over every booking of the day.
_Blocked = tuple[list[int], list[int]]


def _floor(value: dt.datetime) -> int:
    return math.floor(value.timestamp())


def _ceil(value: dt.datetime) -> int:
    return math.ceil(value.timestamp())


@dataclass
class _Data:
    sites: list[Site]
    closures: list[SiteClosure]
    rules: list[AvailabilityRule]
    # nurse -> the spans she is away (time off, weekly ones expanded, and busy blocks)
    away: dict[int, list[_Span]]
    # (nurse, site, start, blocked_until, room) of the active bookings, the excluded one left out
    bookings: list[tuple[int, int, int, int, int | None]]


class _Blocks:
    """Where an interview may not lie, per nurse and per (site, room), over the whole range.

    One merged list per nurse for the call (not per nurse-day): a booking's start moves back by
    the new interview's buffer, so one overlap test answers both "is she away during it" and
    "does its buffer run into a booking", also across midnight. Built on first use."""

    def __init__(self, data: _Data, buffer: int) -> None:
        self._away = data.away
        self._booked: dict[int, list[_Span]] = defaultdict(list)
        self._rooms_used: dict[tuple[int, int], list[_Span]] = defaultdict(list)
        for nurse_id, site_id, start, until, room in data.bookings:
            self._booked[nurse_id].append((start - buffer, until))
            if room is not None:
                self._rooms_used[(site_id, room)].append((start - buffer, until))
        self._nurse: dict[int, _Blocked | None] = {}
        self._room: dict[tuple[int, int], _Blocked | None] = {}

    def nurse(self, nurse_id: int) -> _Blocked | None:
        if nurse_id not in self._nurse:
            spans = [*self._away.get(nurse_id, ()), *self._booked.get(nurse_id, ())]
            self._nurse[nurse_id] = _merge(spans) if spans else None
        return self._nurse[nurse_id]

    def room(self, site_id: int, room: int) -> _Blocked | None:
        key = (site_id, room)
        if key not in self._room:
            spans = self._rooms_used.get(key)
            self._room[key] = _merge(spans) if spans else None
        return self._room[key]


def _merge(spans: list[_Span]) -> _Blocked:
    starts: list[int] = []
    ends: list[int] = []
    for s, e in sorted(spans):
        if ends and s <= ends[-1]:
            if e > ends[-1]:
                ends[-1] = e
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def _is_free(blocked: _Blocked | None, start: int, end: int) -> bool:
    if blocked is None:
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
    away: dict[int, list[_Span]] = defaultdict(list)
    for off in time_off_between(nurse_ids, range_start, range_end, date_from):
        for start, end in time_off_occurrences(off, until=range_end, tz=tz, since=range_start):
            away[off.nurse_id].append((_floor(start), _ceil(end)))
    for nurse_id, start, end in busy_blocks_between(nurse_ids, range_start, range_end):
        away[nurse_id].append((_floor(start), _ceil(end)))
    bookings = [
        (nurse_id, site_id, _floor(start), _ceil(blocked_until), room)
        for booking_id, nurse_id, site_id, start, blocked_until, room in (
            Booking.objects.active(now)
            .filter(Q(nurse_id__in=nurse_ids) | Q(site_id__in=ids))
            .filter(start__lt=range_end, blocked_until__gt=range_start)
            .values_list("id", "nurse_id", "site_id", "start", "blocked_until", "room")
            .order_by()
        )
        if booking_id != exclude_booking_id
    ]
    return _Data(sites=sites, closures=closures, rules=rules, away=away, bookings=bookings)


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
    duration = interview_type.duration
    step = dt.timedelta(minutes=interview_type.slot_step_minutes)
    blocks = _Blocks(data, int(interview_type.buffer.total_seconds()))
    days = _Days(date_from, date_to, tz)
    job = _Job(
        data=data,
        blocks=blocks,
        days=days,
        mode=mode,
        duration=duration,
        seconds=int(duration.total_seconds()),
        step=step,
    )

    # Site hours serve every mode the site offers; remote hours (issue 15) serve video and phone
    # only, from the nurse's base site, whatever its modes, opening days or rooms.
    rules_by_site_day: dict[tuple[int, int], list[AvailabilityRule]] = defaultdict(list)
    remote_by_site_day: dict[tuple[int, int], list[AvailabilityRule]] = defaultdict(list)
    for rule in data.rules:
        if not rule.remote:
            rules_by_site_day[(rule.site_id, rule.weekday)].append(rule)
        elif mode != Mode.IN_PERSON:
            remote_by_site_day[(rule.site_id, rule.weekday)].append(rule)

    found: list[_Found] = []
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
        earliest_at = earliest.timestamp()
        while day <= min(date_to, last_day):
            day_rules = remote_by_site_day.get((site.id, day.weekday()), [])
            if site_serves_mode and site_is_open(site, day, site_closures):
                day_rules = rules_by_site_day[(site.id, day.weekday())] + day_rules
            if day_rules:
                size = len(found)
                _site_day(job, site, day, day_rules, earliest_at, found)
                if first_day_only and len(found) > size:
                    break
            day += _ONE_DAY
    # Sorted as integers before any datetime exists; (start, site) is unique.
    found.sort(key=_by_start_then_site)
    return [
        Slot(
            site_id=site_id,
            start=(start := days.local(at)),
            end=start + duration,
            mode=mode,
            nurse_ids=nurses,
            free_rooms=rooms,
        )
        for at, site_id, nurses, rooms in found
    ]


_ONE_DAY = dt.timedelta(days=1)

# A slot found, before it becomes a Slot: (start in POSIX seconds, site, nurses, rooms).
_Found = tuple[int, int, tuple[int, ...], tuple[int, ...]]


def _by_start_then_site(found: _Found) -> tuple[int, int]:
    return found[0], found[1]


class _Days:
    """The local days of the range: each midnight as POSIX seconds (one zone lookup per day, not
    per candidate), the day an instant falls on, and an instant back as a local datetime."""

    def __init__(self, date_from: dt.date, date_to: dt.date, tz: dt.tzinfo) -> None:
        self.tz = tz
        self.first = date_from
        count = (date_to - date_from).days + 2
        self.midnight_dt = [
            dt.datetime.combine(date_from + dt.timedelta(days=i), dt.time(0), tzinfo=tz)
            for i in range(count)
        ]
        self.midnights = [int(m.timestamp()) for m in self.midnight_dt]

    def index(self, day: dt.date) -> int:
        return (day - self.first).days

    def index_of(self, at: int) -> int:
        """The local day of an instant, as an index into the range (-1 before it)."""
        return bisect_right(self.midnights, at) - 1

    def local(self, at: int) -> dt.datetime:
        i = self.index_of(at)
        if 0 <= i < len(self.midnights) - 1 and self.one_offset(i):
            # Wall-clock arithmetic on the day's midnight: exact when the day has one offset,
            # and several times cheaper than a zone lookup per slot.
            return self.midnight_dt[i] + dt.timedelta(seconds=at - self.midnights[i])
        return dt.datetime.fromtimestamp(at, self.tz)

    def one_offset(self, i: int) -> bool:
        return self.midnight_dt[i].utcoffset() == self.midnight_dt[i + 1].utcoffset()


@dataclass
class _Job:
    """What every site-day of one call shares."""

    data: _Data
    blocks: _Blocks
    days: _Days
    mode: str
    duration: dt.timedelta
    seconds: int
    step: dt.timedelta
    _load: dict[tuple[int, int], int] | None = None

    def load(self) -> dict[tuple[int, int], int]:
        """(nurse, day index) -> her bookings starting that local day; for balancing."""
        if self._load is None:
            self._load = defaultdict(int)
            for nurse_id, _site, start, _until, _room in self.data.bookings:
                self._load[(nurse_id, self.days.index_of(start))] += 1
        return self._load


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


def _site_day(
    job: _Job,
    site: Site,
    day: dt.date,
    rules: list[AvailabilityRule],
    earliest_at: float,
    found: list[_Found],
) -> None:
    """Append the site's open slots of one day to `found`, in start order."""
    days, blocks, seconds = job.days, job.blocks, job.seconds
    i = days.index(day)
    base = days.midnights[i]
    one_offset = days.one_offset(i)
    candidates: dict[int, list[int]] = {}
    for rule in rules:
        if rule.valid_from > day or (rule.valid_to is not None and rule.valid_to < day):
            continue
        nurse = rule.nurse_id
        blocked = blocks.nurse(nurse)
        for offset in _rule_offsets(
            rule.start_time, rule.end_time, job.duration, job.step, site.last_start_time
        ):
            if one_offset:
                at = base + offset
            else:  # a day with a DST change goes the long way
                at = int(
                    dt.datetime.combine(
                        day, dt.time(offset // 3600, offset // 60 % 60, offset % 60), tzinfo=days.tz
                    ).timestamp()
                )
            if at < earliest_at:
                continue
            if blocked is None or _is_free(blocked, at, at + seconds):
                nurses = candidates.get(at)
                if nurses is None:
                    candidates[at] = [nurse]
                elif nurse not in nurses:
                    nurses.append(nurse)
    if not candidates:
        return

    in_person = job.mode == Mode.IN_PERSON
    room_blocks = [(r, blocks.room(site.id, r)) for r in range(1, site.rooms + 1)]
    for at in sorted(candidates):
        nurses = candidates[at]
        rooms: tuple[int, ...] = ()
        if in_person:
            rooms = tuple(r for r, b in room_blocks if b is None or _is_free(b, at, at + seconds))
            if not rooms:
                continue
        if len(nurses) > 1:
            # Her load that day, then her id: never her load over the dates asked for, which
            # would make a month view and the booking itself (one day) put different nurses
            # first.
            load = job.load()
            nurses.sort(key=lambda n: (load.get((n, i), 0), n))
        found.append((at, site.id, tuple(nurses), rooms))


def days_with_slots(slots: Iterable[Slot], tz: dt.tzinfo) -> dict[dt.date, int]:
    """Local date -> number of open start times, for a month calendar."""
    counts: dict[dt.date, int] = defaultdict(int)
    for slot in slots:
        counts[slot.start.astimezone(tz).date()] += slot.capacity
    return dict(counts)

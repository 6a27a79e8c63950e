"""Open slots: nurse rules − closures − time off − busy blocks − bookings and holds, loaded in
three queries whatever the range, the number of sites or nurses (reads.py: fixed SQL, plain rows,
instants as whole POSIX seconds), then computed in integers (spans.py); only the slots returned
become datetimes. Figures and the profile behind each step: bench/README.md, issue 19."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import (
    BusyBlock,
    InterviewType,
    Mode,
    Municipality,
    TimeOff,
)
from . import reads
from .calendar_rules import (
    booking_window,
    rule_slot_times,
    site_is_open,
)
from .spans import Blocks, busy_starts, free_starts


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
    sites: list[reads.SiteRow]
    closures: list[reads.ClosureRow]
    rules: list[reads.RuleRow]
    # The active bookings (the excluded one left out), time off and busy blocks (reads.py)
    taken: list[reads.TakenRow]


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
    """The three reads (fewer when there is nothing to read), as plain rows (reads.py): the
    sites with the closures, the rules, then the bookings, time off and busy blocks."""
    tz = municipality.tz
    range_start = dt.datetime.combine(date_from, dt.time(0), tzinfo=tz)
    range_end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    data = _Data(sites=[], closures=[], rules=[], taken=[])
    if site_ids is not None and not site_ids:
        return data
    data.sites, data.closures = reads.sites(municipality, site_ids, date_from, date_to)
    ids = [s.id for s in data.sites]
    if not ids:
        return data
    span = (date_to - date_from).days + 1
    weekdays = sorted({(date_from + dt.timedelta(days=i)).weekday() for i in range(span)})
    data.rules = reads.rules(ids, date_from, date_to, weekdays if span < 7 else [])
    nurse_ids = sorted({r.nurse_id for r in data.rules})
    if not nurse_ids:
        return data
    data.taken = reads.taken(
        nurse_ids,
        ids,
        range_start,
        range_end,
        now,
        date_from=date_from,
        municipality_id=municipality.pk,
        exclude_id=exclude_booking_id,
    )
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
    duration = interview_type.duration
    days = _Days(date_from, date_to, tz)
    job = _Job(
        data=data,
        blocks=Blocks(
            data.taken,
            int(interview_type.buffer.total_seconds()),
            midnights=days.midnights,
            tz=tz,
        ),
        days=days,
        mode=mode,
        duration=duration,
        seconds=int(duration.total_seconds()),
        step=dt.timedelta(minutes=interview_type.slot_step_minutes),
        rules_fixed=date_to - date_from >= _ONE_WEEK
        and all(
            r.valid_from <= date_from and (r.valid_to is None or r.valid_to >= date_to)
            for r in data.rules
        ),
    )

    # Site hours serve every mode the site offers; remote hours (issue 15) serve video and phone
    # only, from the nurse's base site, whatever its modes, opening days or rooms.
    rules_by_site_day: dict[tuple[int, int], list[reads.RuleRow]] = defaultdict(list)
    remote_by_site_day: dict[tuple[int, int], list[reads.RuleRow]] = defaultdict(list)
    for rule in data.rules:
        if not rule.remote:
            rules_by_site_day[(rule.site_id, rule.weekday)].append(rule)
        elif mode != Mode.IN_PERSON:
            remote_by_site_day[(rule.site_id, rule.weekday)].append(rule)

    found: list[_Found] = []
    windows: dict[int | None, tuple[dt.datetime, dt.date, dt.date]] = {}
    for site in data.sites:
        site_serves_mode = not site.modes or mode in site.modes
        if not site_serves_mode and not any(k[0] == site.id for k in remote_by_site_day):
            continue
        # The window depends on the site only through its minimum notice in days: worked out
        # once per distinct value (a dozen sites, one or two values), not per site.
        window = windows.get(site.min_notice_days)
        if window is None:
            earliest, last_day = booking_window(site, interview_type, now)
            if ignore_notice:
                earliest = now
            # Strictly after now: a slot starting this instant is already past when she picks
            # it, and the booking service refuses it ("in_past").
            earliest = max(earliest, now + dt.timedelta(microseconds=1))
            window = windows[site.min_notice_days] = (
                earliest,
                max(date_from, earliest.astimezone(tz).date()),
                min(date_to, last_day),
            )
        earliest, first, last = window
        if first > last:
            continue
        hours = _SiteHours(
            site=site,
            serves_mode=site_serves_mode,
            closures=[c for c in data.closures if c.site_id in (None, site.id)],
            rules=rules_by_site_day,
            remote=remote_by_site_day,
            earliest_at=earliest.timestamp(),
        )
        if not first_day_only:
            _site_days(job, hours, first, last, found)
            continue
        day = first
        while day <= last:  # day by day, up to the first day with a slot
            if _site_days(job, hours, day, day, found):
                break
            day += _ONE_DAY
    # Sorted as integers before any datetime exists; (start, site) is unique, so the tuples
    # never compare further.
    found.sort()
    return job.days.slots(found, duration, mode)


_ONE_DAY = dt.timedelta(days=1)
_ONE_WEEK = dt.timedelta(days=7)
_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()

# A slot found, before it becomes a Slot: (start in POSIX seconds, site, nurses, rooms, day).
_Found = tuple[int, int, tuple[int, ...], tuple[int, ...], int]


class _Days:
    """The local days of the range: each midnight as POSIX seconds (one zone lookup per day, not
    per candidate), whether the day keeps one UTC offset, and found slots back as Slots."""

    def __init__(self, date_from: dt.date, date_to: dt.date, tz: dt.tzinfo) -> None:
        self.tz = tz
        self.first = date_from
        count = (date_to - date_from).days + 2
        # A local midnight as POSIX seconds is its wall-clock seconds less the zone's offset
        # then, which is what datetime.timestamp() computes, at a third of the cost.
        offsets: list[int] = []
        midnights: list[int] = []
        day = date_from
        for _ in range(count):
            offset = tz.utcoffset(dt.datetime(day.year, day.month, day.day))
            seconds = int(offset.total_seconds()) if offset is not None else 0
            offsets.append(seconds)
            midnights.append((day.toordinal() - _EPOCH_DAY) * 86400 - seconds)
            day += _ONE_DAY
        self.midnights = midnights
        self.one_offset = [offsets[i] == offsets[i + 1] for i in range(count - 1)]
        self.uniform = all(self.one_offset)
        self._midnight_dt: dict[int, dt.datetime] = {}

    def midnight_dt(self, i: int) -> dt.datetime:
        """Day i's local midnight as a datetime, made for the days that have a slot only."""
        midnight = self._midnight_dt.get(i)
        if midnight is None:
            day = self.first + dt.timedelta(days=i)
            midnight = dt.datetime.combine(day, dt.time(0), tzinfo=self.tz)
            self._midnight_dt[i] = midnight
        return midnight

    def index_of(self, at: int) -> int:
        """The local day of an instant, as an index into the range (negative before it): by
        arithmetic when no day of the range changes its UTC offset."""
        if self.uniform:
            return (at - self.midnights[0]) // 86400
        return bisect_right(self.midnights, at) - 1

    def index(self, day: dt.date) -> int:
        return (day - self.first).days

    def starts(self, i: int, offsets: tuple[int, ...]) -> list[int]:
        """Day i's starts at these seconds after local midnight, as POSIX seconds."""
        base = self.midnights[i]
        if self.one_offset[i]:
            return [base + offset for offset in offsets]
        day = self.first + dt.timedelta(days=i)  # a day with a DST change goes the long way
        return [
            int(
                dt.datetime.combine(
                    day, dt.time(o // 3600, o // 60 % 60, o % 60), tzinfo=self.tz
                ).timestamp()
            )
            for o in offsets
        ]

    def slots(self, found: list[_Found], duration: dt.timedelta, mode: str) -> list[Slot]:
        """The found slots as Slots, in their order. A start is the day's midnight plus a
        wall-clock offset when the day keeps one UTC offset (exact then, and several times
        cheaper than a zone lookup per slot); the offsets repeat from day to day, so each
        timedelta is made once."""
        midnights, midnight_dt, one_offset = self.midnights, self.midnight_dt, self.one_offset
        deltas: dict[int, dt.timedelta] = {}
        new, setfields = object.__new__, object.__setattr__
        result = []
        for at, site_id, nurses, rooms, i in found:
            if one_offset[i]:
                offset = at - midnights[i]
                delta = deltas.get(offset)
                if delta is None:
                    delta = deltas[offset] = dt.timedelta(seconds=offset)
                start = midnight_dt(i) + delta
            else:
                start = dt.datetime.fromtimestamp(at, self.tz)
            # A Slot without the frozen dataclass's __init__ (one object.__setattr__ per
            # field, about three times the cost): same object, same fields.
            slot = new(Slot)
            setfields(
                slot,
                "__dict__",
                {
                    "site_id": site_id,
                    "start": start,
                    "end": start + duration,
                    "mode": mode,
                    "nurse_ids": nurses,
                    "free_rooms": rooms,
                },
            )
            result.append(slot)
        return result


@dataclass
class _Job:
    """What every site of one call shares."""

    data: _Data
    blocks: Blocks
    days: _Days
    mode: str
    duration: dt.timedelta
    seconds: int
    step: dt.timedelta
    # Every rule valid on every day of a range longer than a week: a day's plan (engine.py,
    # _nurse_starts) then depends only on its weekday and whether the site is open.
    rules_fixed: bool = False


@dataclass
class _SiteHours:
    """One site's calendar for a call: its rules by weekday and what bounds them."""

    site: reads.SiteRow
    serves_mode: bool
    closures: list[reads.ClosureRow]
    rules: dict[tuple[int, int], list[reads.RuleRow]]
    remote: dict[tuple[int, int], list[reads.RuleRow]]
    earliest_at: float


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


def _nurse_starts(
    job: _Job, hours: _SiteHours, first: dt.date, last: dt.date
) -> dict[int, list[int]]:
    """nurse -> her candidate starts at the site from `first` to `last`, ascending, each once:
    her rules' slot times on each open day they are valid, from the earliest bookable one.

    A day's plan (each nurse's slot offsets, her rules that day merged) depends only on its
    weekday and whether the site is open when every rule is valid over the whole range (almost
    always): over more than a week it is then made once per (weekday, open), else day by
    day."""
    site, days = hours.site, job.days
    by_nurse: dict[int, list[int]] = {}
    unsorted: set[int] = set()
    every_day = job.rules_fixed
    plans: dict[tuple[int, bool], list[tuple[int, tuple[int, ...]]]] = {}
    earliest = hours.earliest_at
    one_offset = days.one_offset
    i = days.index(first)
    day = first
    while day <= last:
        weekday = day.weekday()
        is_open = hours.serves_mode and site_is_open(site, day, hours.closures)
        plan = plans.get((weekday, is_open)) if every_day else None
        if plan is None:
            plan = _day_plan(job, hours, day, weekday, is_open)
            if every_day:
                plans[(weekday, is_open)] = plan
        for nurse_id, offsets in plan:
            starts = days.starts(i, offsets)
            if starts[0] < earliest:
                starts = [at for at in starts if at >= earliest]
                if not starts:
                    continue
            mine = by_nurse.get(nurse_id)
            if mine is None:
                by_nurse[nurse_id] = starts
            else:
                if mine[-1] >= starts[0]:
                    unsorted.add(nurse_id)  # a DST fold
                mine.extend(starts)
            if not one_offset[i]:
                unsorted.add(nurse_id)  # a DST gap may map two wall-clock times to one instant
        day += _ONE_DAY
        i += 1
    for nurse_id in unsorted:
        by_nurse[nurse_id] = sorted(set(by_nurse[nurse_id]))
    return by_nurse


def _day_plan(
    job: _Job, hours: _SiteHours, day: dt.date, weekday: int, is_open: bool
) -> list[tuple[int, tuple[int, ...]]]:
    """(nurse, her slot offsets after local midnight, ascending, each once) for one day: her
    site rules if the site is open, and her remote ones, valid that day."""
    site_id = hours.site.id
    day_rules = hours.remote.get((site_id, weekday), [])
    if is_open:
        day_rules = hours.rules.get((site_id, weekday), []) + day_rules
    merged: dict[int, tuple[int, ...]] = {}
    for rule in day_rules:
        if rule.valid_from > day or (rule.valid_to is not None and rule.valid_to < day):
            continue
        offsets = _rule_offsets(
            rule.start_time, rule.end_time, job.duration, job.step, hours.site.last_start_time
        )
        if not offsets:
            continue
        mine = merged.get(rule.nurse_id)
        merged[rule.nurse_id] = offsets if mine is None else tuple(sorted({*mine, *offsets}))
    return list(merged.items())


def _site_days(
    job: _Job, hours: _SiteHours, first: dt.date, last: dt.date, found: list[_Found]
) -> bool:
    """Append the site's open slots from `first` to `last` to `found`; whether there were any."""
    blocks, seconds = job.blocks, job.seconds
    by_nurse = _nurse_starts(job, hours, first, last)
    # start -> the nurses free then, as a bit mask over `nurse_ids` (bit k: nurse_ids[k]): an
    # int per start, not a list, and the nurses' tuple made once per mask (and day, below).
    nurse_ids = list(by_nurse)
    candidates: dict[int, int] = {}
    for k, nurse_id in enumerate(nurse_ids):
        free = free_starts(by_nurse[nurse_id], seconds, blocks.nurse(nurse_id))
        if not candidates:
            candidates = dict.fromkeys(free, 1 << k)
            continue
        bit = 1 << k
        get = candidates.get
        for at in free:
            candidates[at] = get(at, 0) | bit
    if not candidates:
        return False

    site = hours.site
    site_id = site.id
    all_rooms: tuple[int, ...] = ()
    # start -> the rooms in use then, as a bit mask (bit r: room r); only rooms with something
    # blocked need a walk.
    used: dict[int, int] = {}
    if job.mode == Mode.IN_PERSON:
        all_rooms = tuple(range(1, site.rooms + 1))
        ordered = sorted(candidates)
        for room in all_rooms:
            blocked = blocks.room(site_id, room)
            if blocked is not None:
                bit = 1 << room
                get = used.get
                for at in busy_starts(ordered, seconds, blocked):
                    used[at] = get(at, 0) | bit
    # rooms mask -> the rooms free then
    free_rooms: dict[int, tuple[int, ...]] = {}
    # one nurse -> her tuple; several: (mask, day) -> them, least loaded that day first, then
    # by id (below)
    alone: dict[int, tuple[int, ...]] = {1 << k: (n,) for k, n in enumerate(nurse_ids)}
    together: dict[tuple[int, int], tuple[int, ...]] = {}
    days = job.days
    range_start = days.midnights[0]
    uniform = days.uniform
    load = blocks.load
    size = len(found)
    append = found.append
    used_get = used.get
    for at, mask in candidates.items():
        in_use = used_get(at, 0)
        if in_use:
            rooms = free_rooms.get(in_use)
            if rooms is None:
                rooms = free_rooms[in_use] = tuple(r for r in all_rooms if not in_use >> r & 1)
            if not rooms:
                continue
        else:
            rooms = all_rooms
        i = (at - range_start) // 86400 if uniform else days.index_of(at)
        nurses = alone.get(mask)
        if nurses is None:
            nurses = together.get((mask, i))
            if nurses is None:
                # Her load that day, then her id: never her load over the dates asked for,
                # which would make a month view and the booking itself (one day) put different
                # nurses first.
                ranked = sorted(
                    (load.get((n, i), 0), n) for k, n in enumerate(nurse_ids) if mask >> k & 1
                )
                nurses = together[(mask, i)] = tuple(n for _load, n in ranked)
        append((at, site_id, nurses, rooms, i))
    return len(found) > size


def days_with_slots(slots: Iterable[Slot], tz: dt.tzinfo) -> dict[dt.date, int]:
    """Local date -> number of open start times, for a month calendar."""
    counts: dict[dt.date, int] = defaultdict(int)
    for slot in slots:
        counts[slot.start.astimezone(tz).date()] += slot.capacity
    return dict(counts)

"""Integer time for the engine: spans of whole POSIX seconds, merged per nurse and per room,
and the free test of a run of candidate starts against them (engine.py)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from itertools import pairwise

from .reads import AwayRow, TakenRow

# Instants are whole POSIX seconds (ints) from here on: a read start rounded down and an end
# rounded up, which is exact for the whole-second candidates it is compared with (a < ceil(e)
# iff a < e, floor(s) < b iff s < b). Only the slots returned become datetimes.
Span = tuple[int, int]
# Merged, disjoint, sorted intervals as (starts, ends), for a bisect per candidate instead of a
# scan over every booking of the day.
Blocked = tuple[list[int], list[int]]


class Blocks:
    """Where an interview may not lie, per nurse and per (site, room), over the whole range.

    One merged list per nurse for the call (not per nurse-day): a booking's start moves back by
    the new interview's buffer, so one overlap test answers both "is she away during it" and
    "does its buffer run into a booking", also across midnight. Built on first use."""

    def __init__(
        self, taken: list[TakenRow], buffer: int, *, midnights: list[int], tz: dt.tzinfo
    ) -> None:
        """`midnights`: the local midnights of the range's days and of the day after it."""
        self._booked: dict[int, list[Span]] = defaultdict(list)
        self._rooms_used: dict[tuple[int, int], list[Span]] = defaultdict(list)
        # (nurse, day index) -> her bookings starting that local day (negative: before the
        # range), for putting the least loaded nurse first; counted in the same pass.
        self.load: dict[tuple[int, int], int] = defaultdict(int)
        first = midnights[0]
        uniform = all(b - a == 86400 for a, b in pairwise(midnights))
        away: list[AwayRow] = []
        booked, rooms_used, load = self._booked, self._rooms_used, self.load  # locals: hot loop
        for kind, nurse_id, site_id, start, end, room, weekly_until in taken:
            if kind:
                away.append((nurse_id, start, end, weekly_until))
                continue
            span = (start - buffer, end)
            booked[nurse_id].append(span)
            if room is not None:
                rooms_used[(site_id, room)].append(span)  # type: ignore[index]
            day = (start - first) // 86400 if uniform else bisect_right(midnights, start) - 1
            load[(nurse_id, day)] += 1
        self._away = away_spans(away, since=first, until=midnights[-1], tz=tz)
        self._nurse: dict[int, Blocked | None] = {}
        self._room: dict[tuple[int, int], Blocked | None] = {}

    def nurse(self, nurse_id: int) -> Blocked | None:
        if nurse_id not in self._nurse:
            spans = [*self._away.get(nurse_id, ()), *self._booked.get(nurse_id, ())]
            self._nurse[nurse_id] = merge(spans) if spans else None
        return self._nurse[nurse_id]

    def room(self, site_id: int, room: int) -> Blocked | None:
        key = (site_id, room)
        if key not in self._room:
            spans = self._rooms_used.get(key)
            self._room[key] = merge(spans) if spans else None
        return self._room[key]


def merge(spans: list[Span]) -> Blocked:
    starts: list[int] = []
    ends: list[int] = []
    spans.sort()
    last = None  # the end of the interval being built
    for s, e in spans:
        if last is not None and s <= last:
            if e > last:
                ends[-1] = last = e
        else:
            starts.append(s)
            ends.append(e)
            last = e
    return starts, ends


def is_free(blocked: Blocked | None, start: int, end: int) -> bool:
    if blocked is None:
        return True
    starts, ends = blocked
    i = bisect_right(ends, start)  # the first interval ending after `start`
    return i == len(ends) or starts[i] >= end


_WEEK = 7 * 24 * 3600


def away_spans(
    rows: list[AwayRow],
    *,
    since: int,
    until: int,
    tz: dt.tzinfo,
) -> dict[int, list[Span]]:
    """nurse -> the spans she is away within since … until: her time off (a weekly one every
    7 × 24 h, as calendar_rules.time_off_occurrences repeats it) and her busy blocks."""
    away: dict[int, list[Span]] = defaultdict(list)
    for nurse_id, start, end, weekly_until in rows:
        stop = None
        if weekly_until is not None:
            if isinstance(weekly_until, str):  # SQLite's ISO text
                weekly_until = dt.date.fromisoformat(weekly_until)
            stop = _midnight_after(weekly_until, tz)
            if end <= since:  # straight to the first week that reaches the range
                weeks = (since - end) // _WEEK + 1
                start, end = start + weeks * _WEEK, end + weeks * _WEEK
                if start >= stop:
                    continue
        spans = away[nurse_id]
        while start < until:
            if end > since:
                spans.append((start, end))
            if stop is None:
                break
            start, end = start + _WEEK, end + _WEEK
            if start >= stop:
                break
    return away


_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()


def _midnight_after(day: dt.date, tz: dt.tzinfo) -> int:
    """The first instant after a local date, as POSIX seconds: what datetime.combine(day + 1,
    00:00, tz).timestamp() gives, without building the aware datetime."""
    after = day + dt.timedelta(days=1)
    offset = tz.utcoffset(dt.datetime(after.year, after.month, after.day))
    seconds = int(offset.total_seconds()) if offset is not None else 0
    return (after.toordinal() - _EPOCH_DAY) * 86400 - seconds


def free_starts(starts: list[int], seconds: int, blocked: Blocked | None) -> list[int]:
    """The starts (ascending) whose `seconds` do not meet a blocked interval: all of them after
    one bisect when nothing is blocked in their window (most nurse-days), else one walk over
    the starts and the intervals together."""
    if blocked is None or not starts:
        return starts
    b_starts, b_ends = blocked
    j = bisect_right(b_ends, starts[0])  # the first interval ending after the first start
    n = len(b_ends)
    if j == n or b_starts[j] >= starts[-1] + seconds:
        return starts
    free = []
    for at in starts:
        while j < n and b_ends[j] <= at:
            j += 1
        if j == n or b_starts[j] >= at + seconds:
            free.append(at)
    return free


def busy_starts(starts: list[int], seconds: int, blocked: Blocked) -> list[int]:
    """The starts (ascending) whose `seconds` meet a blocked interval: the complement of
    `free_starts`, for a room, whose blocked intervals are few next to the starts."""
    b_starts, b_ends = blocked
    busy: list[int] = []
    n = len(starts)
    k = 0
    for s, e in zip(b_starts, b_ends, strict=True):
        # The starts in (s - seconds, e) overlap it.
        k = bisect_right(starts, s - seconds, k)
        while k < n and starts[k] < e:
            busy.append(starts[k])
            k += 1
    return busy

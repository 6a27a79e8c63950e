"""The calendar rules of availability, pure: which days a site is open, the booking window and
the cancellation deadline, a weekly rule's slot times, time off and busy blocks by nurse and day.

The engine (engine.py) and the managers' capacity figure (scheduling.reports.capacity) both
expand the calendar with these, so what residents are offered and what managers see as
capacity cannot drift apart (tests/scheduling/test_capacity_matches_the_engine.py).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, Protocol

import jpholiday

from ..models import (
    InterviewType,
    Municipality,
    TimeOff,
)

Interval = tuple[dt.datetime, dt.datetime]


class SiteCalendar(Protocol):
    """What the calendar rules read of a site: a Site, or the engine's plain row of one."""

    @property
    def id(self) -> int: ...
    @property
    def municipality(self) -> Municipality: ...
    @property
    def open_weekdays(self) -> Any: ...
    @property
    def closed_on_public_holidays(self) -> bool: ...
    @property
    def closed_nth_weekdays(self) -> Any: ...
    @property
    def year_end_start(self) -> str: ...
    @property
    def year_end_end(self) -> str: ...
    @property
    def min_notice_days(self) -> int | None: ...


class ClosureDates(Protocol):
    """A SiteClosure, or the engine's plain row of one."""

    @property
    def site_id(self) -> int | None: ...
    @property
    def date_from(self) -> dt.date: ...
    @property
    def date_to(self) -> dt.date: ...


@functools.lru_cache(maxsize=256)
def _mmdd(value: str) -> tuple[int, int] | None:
    # Asked twice per site and day by the engine; a site's year-end is one of a few strings.
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


def site_is_open(site: SiteCalendar, day: dt.date, closures: Iterable[ClosureDates] = ()) -> bool:
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
    site: SiteCalendar, interview_type: InterviewType, now: dt.datetime
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

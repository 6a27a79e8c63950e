"""An .ics body → the busy intervals it means over the booking horizon.

Pure: no database. What counts as busy is what the nurse's own calendar says: an event is busy
unless it is cancelled, or marked free: Outlook's BUSYSTATUS when present (FREE or
WORKINGELSEWHERE), otherwise TRANSP:TRANSPARENT ("free" in Google and iPhone). Times:
- an aware time (UTC or a TZID, Windows names such as "Tokyo Standard Time" included, which
  icalendar maps to IANA zones) is taken as it is;
- a floating time, or a TZID nobody knows and no VTIMEZONE defines, is local to the
  municipality (the nurse's wall clock);
- an all-day or multi-day event covers whole local days, midnight to midnight.
Only start and end are kept: titles, places and attendees never leave this function.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar
import recurring_ical_events

from .errors import SyncError

Interval = tuple[dt.datetime, dt.datetime]

# Expanded in slices so a runaway calendar is stopped after one slice, not after millions.
SLICE = dt.timedelta(days=30)
_FINE_FREQUENCIES = {"SECONDLY": 1, "MINUTELY": 60}


def parse(body: bytes) -> list[icalendar.Calendar]:
    """The VCALENDARs in the body; SyncError when it is not a calendar at all."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    if not head.startswith(b"BEGIN:VCALENDAR"):
        raise SyncError("not_calendar", "no BEGIN:VCALENDAR")
    try:
        calendars = icalendar.Calendar.from_ical(body.lstrip(b"\xef\xbb\xbf"), multiple=True)
    except Exception as exc:  # icalendar raises ValueError, KeyError, TypeError… on broken files
        raise SyncError("invalid_calendar", type(exc).__name__) from None
    calendars = [c for c in calendars if c.name == "VCALENDAR"]
    if not calendars:
        raise SyncError("invalid_calendar", "unbalanced BEGIN/END")
    return calendars


def busy_intervals(
    calendars: Iterable[icalendar.Calendar],
    *,
    tz: dt.tzinfo,
    start: dt.datetime,
    end: dt.datetime,
    max_blocks: int,
) -> list[Interval]:
    """Merged busy intervals inside [start, end), in UTC; SyncError if unreadable or runaway."""
    found: list[Interval] = []
    for calendar in calendars:
        try:
            _refuse_runaway_rules(calendar, start, end, max_blocks)
            query = recurring_ical_events.of(calendar, skip_bad_series=True)
            low = start
            while low < end:
                high = min(low + SLICE, end)
                found.extend(_occurrence_intervals(query, low, high, tz))
                if len(found) > max_blocks:
                    raise SyncError("too_many_events", f"over {max_blocks}")
                low = high
        except SyncError:
            raise
        except Exception as exc:  # a series the library could not skip: the file is broken
            raise SyncError("invalid_calendar", type(exc).__name__) from None
    return merge(clip(found, start, end))


def _refuse_runaway_rules(
    calendar: icalendar.Calendar, start: dt.datetime, end: dt.datetime, max_blocks: int
) -> None:
    """FREQ=SECONDLY/MINUTELY over months would take minutes to expand before any cap bites."""
    seconds = (end - start).total_seconds()
    for event in calendar.walk("VEVENT"):
        try:
            rules = event.get("RRULE")
            rules = rules if isinstance(rules, list) else [rules] if rules else []
            estimate = max((_rule_estimate(rule, start, seconds) for rule in rules), default=0)
        except Exception:  # noqa: S112 - a broken rule: the library skips that series
            continue
        if estimate > max_blocks:
            raise SyncError("too_many_events", "FREQ=SECONDLY/MINUTELY")


def _rule_estimate(rule: icalendar.vRecur, start: dt.datetime, seconds: float) -> float:
    freq = str((rule.get("FREQ") or [""])[0]).upper()
    if freq not in _FINE_FREQUENCIES:
        return 0
    until = (rule.get("UNTIL") or [None])[0]
    if until is not None and _as_aware(until, start.tzinfo) < start:  # type: ignore[arg-type]
        return 0
    interval = int((rule.get("INTERVAL") or [1])[0]) or 1
    estimate = seconds / (_FINE_FREQUENCIES[freq] * interval)
    count = (rule.get("COUNT") or [None])[0]
    return min(estimate, int(count)) if count is not None else estimate


def _is_free(event: icalendar.cal.Component) -> bool:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return True
    # Outlook's own "show as" wins over TRANSP: it exports all-day events as TRANSPARENT even
    # when they are marked Out of Office, which a nurse means as "not available".
    busy_status = str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper()
    if busy_status:
        return busy_status in ("FREE", "WORKINGELSEWHERE")
    return str(event.get("TRANSP", "")).upper() == "TRANSPARENT"


def _as_aware(value: dt.date | dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(0), tzinfo=tz)
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=tz)
    return value


def _occurrence_intervals(
    query: recurring_ical_events.CalendarQuery, low: dt.datetime, high: dt.datetime, tz: dt.tzinfo
) -> list[Interval]:
    """Start and end of each busy occurrence.

    The library's public `between()` copies every occurrence into a new component (two thirds
    of the time on a large calendar); its occurrences already carry start, end and the source
    component (the override for a moved occurrence), which is all a busy time needs.
    """
    result = []
    for occurrence in query._occurrences_between(low, high):  # private, pinned 3.8.2
        if _is_free(occurrence._adapter._component):
            continue
        interval = _interval(occurrence.start, occurrence.end, tz)
        if interval is not None:
            result.append(interval)
    return result


def _interval(
    begin: dt.date | dt.datetime, finish: dt.date | dt.datetime | dt.timedelta, tz: dt.tzinfo
) -> Interval | None:
    if isinstance(finish, dt.timedelta):
        finish = begin + finish
    begin_at, finish_at = _as_aware(begin, tz), _as_aware(finish, tz)
    if finish_at <= begin_at:
        return None
    return begin_at.astimezone(dt.UTC), finish_at.astimezone(dt.UTC)


def clip(intervals: Iterable[Interval], start: dt.datetime, end: dt.datetime) -> list[Interval]:
    result = []
    for begin, finish in intervals:
        begin, finish = max(begin, start), min(finish, end)
        if finish > begin:
            result.append((begin, finish))
    return result


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching intervals become one: fewer rows, the same busy time."""
    merged: list[Interval] = []
    for begin, finish in sorted(intervals):
        if merged and begin <= merged[-1][1]:
            if finish > merged[-1][1]:
                merged[-1] = (merged[-1][0], finish)
        else:
            merged.append((begin, finish))
    return merged

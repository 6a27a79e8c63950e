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
import re
import time
from collections.abc import Iterable
from typing import Any

import charset_normalizer
import icalendar
import recurring_ical_events
from celery.exceptions import SoftTimeLimitExceeded

from .errors import SyncError

Interval = tuple[dt.datetime, dt.datetime]

# Expanded in slices, and the block cap is checked at every occurrence inside a slice.
SLICE = dt.timedelta(days=30)
# What one calendar may cost before it is parsed or expanded. A diary of ten busy years has a
# few thousand components and a handful of time zones; these bound memory and parse time
# whatever the file (30,000 minimal events, 2.6 MB: +70 MB and 10 s on the loaded 2-core machine).
MAX_COMPONENTS = 30_000
MAX_TIMEZONES = 200
# Occurrences the library may step through from a series' DTSTART to the end of the horizon,
# summed over the calendar (it walks from DTSTART, not from the window): ~10 µs each.
MAX_STEPS = 300_000
# Expansion stops with a timeout after this long, whatever it is doing.
EXPAND_SECONDS = 30.0

_FOLD = re.compile(rb"\r?\n[ \t]")
_FOLD_TEXT = re.compile(r"\r?\n[ \t]")
_BOM = b"\xef\xbb\xbf"
# Legacy encodings real exports use, Japanese first: this is a Japanese municipality's system.
_LEGACY = ["cp932", "euc_jp", "gb18030", "big5", "euc_kr", "cp1252"]

_FREQ_SECONDS = {
    "SECONDLY": 1,
    "MINUTELY": 60,
    "HOURLY": 3600,
    "DAILY": 86400,
    "WEEKLY": 7 * 86400,
    "MONTHLY": 2_629_746,  # an average month
    "YEARLY": 31_556_952,
}
_LEVEL = {name: level for level, name in enumerate(_FREQ_SECONDS)}


# --- Bytes to calendars: one path for uploads and fetched addresses -----------------------------


def decode(body: bytes) -> str:
    """The calendar text: folded lines joined on the bytes (a fold may split a UTF-8 character),
    then decoded as UTF-8 or, failing that, the legacy encoding it is in (Shift_JIS from
    Japanese Outlook and Garoon, EUC-JP, ISO-2022-JP…). SyncError("not_calendar") when the
    result does not start like a calendar or no encoding fits."""
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte order mark
        try:
            text = _FOLD_TEXT.sub("", body.decode("utf-16"))
        except UnicodeDecodeError:
            raise SyncError("not_calendar", "encoding") from None
    else:
        text = _decode_bytes(_FOLD.sub(b"", body.removeprefix(_BOM)))
    if not text[:512].lstrip("\ufeff \t\r\n").upper().startswith("BEGIN:VCALENDAR"):
        raise SyncError("not_calendar", "no BEGIN:VCALENDAR")
    return text


def _decode_bytes(body: bytes) -> str:
    # ISO-2022-JP is 7-bit, so it would pass as UTF-8: its escape into JIS X 0208 tells it.
    if b"\x1b$B" in body or b"\x1b$@" in body:
        try:
            return body.decode("iso2022_jp")
        except UnicodeDecodeError:
            pass
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # EUC-JP before Shift_JIS: Shift_JIS lead bytes 0x81-0x9F are not EUC-JP, while EUC-JP
    # byte pairs often also decode (wrongly) as Shift_JIS.
    for encoding in ("euc_jp", "cp932"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = charset_normalizer.from_bytes(body, cp_isolation=_LEGACY).best()
    if best is None:
        raise SyncError("not_calendar", "encoding")
    return str(best)


def parse(body: bytes | str) -> list[icalendar.Calendar]:
    """The VCALENDARs in the body; SyncError when it is not a calendar, too large to parse, or
    broken. Bytes go through `decode` first."""
    text = decode(body) if isinstance(body, bytes) else body
    _refuse_too_many_components(text)
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except SoftTimeLimitExceeded:
        raise  # the task's time is up: a timeout, not a broken file
    except Exception as exc:  # icalendar raises ValueError, KeyError, TypeError… on broken files
        raise SyncError("invalid_calendar", type(exc).__name__) from None
    calendars = [c for c in calendars if c.name == "VCALENDAR"]
    if not calendars:
        raise SyncError("invalid_calendar", "unbalanced BEGIN/END")
    return calendars


def _refuse_too_many_components(text: str) -> None:
    upper = text.upper()
    components = upper.count("\nBEGIN:") + upper.startswith("BEGIN:")
    if components > MAX_COMPONENTS:
        raise SyncError("too_big", f"{components} components")
    timezones = upper.count("BEGIN:VTIMEZONE")
    if timezones > MAX_TIMEZONES:
        raise SyncError("too_big", f"{timezones} time zones")


# --- Expansion ------------------------------------------------------------------------------------


def busy_intervals(
    calendars: Iterable[icalendar.Calendar],
    *,
    tz: dt.tzinfo,
    start: dt.datetime,
    end: dt.datetime,
    max_blocks: int,
) -> list[Interval]:
    """Merged busy intervals inside [start, end), in UTC; SyncError if unreadable or runaway."""
    calendars = list(calendars)
    _refuse_runaway_rules(calendars, tz, start, end, max_blocks)
    budget = _Budget(max_blocks, time.monotonic() + EXPAND_SECONDS)
    found: list[Interval] = []
    for calendar in calendars:
        try:
            single, series = _split_single_events(calendar)
            found.extend(_single_intervals(single, start, end, tz, budget))
            query = recurring_ical_events.of(series, skip_bad_series=True)
            low = start
            while low < end:
                high = min(low + SLICE, end)
                found.extend(_occurrence_intervals(query, low, high, tz, budget))
                low = high
        except (SyncError, SoftTimeLimitExceeded):
            raise
        except Exception as exc:  # a series the library could not skip: the file is broken
            raise SyncError("invalid_calendar", type(exc).__name__) from None
    return merge(clip(found, start, end))


def _split_single_events(
    calendar: icalendar.Calendar,
) -> tuple[list[icalendar.cal.Component], icalendar.Calendar]:
    """The events that happen once and nothing else refers to, and a calendar of the rest.

    Most of a diary is one-off events; the library builds a series for each of them, which is
    half its cost. Their start and end are read here the way the library reads them, and only
    series (RRULE, RDATE, EXDATE) and their moved occurrences (same UID) go through it. A
    calendar with X-WR-TIMEZONE goes through it whole: the library rewrites its times."""
    if "X-WR-TIMEZONE" in calendar:
        return [], calendar
    events = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    uids: dict[str, int] = {}
    for event in events:
        uid = str(event.get("UID", ""))
        uids[uid] = uids.get(uid, 0) + 1
    single = [
        event
        for event in events
        if not any(name in event for name in _SERIES_PROPERTIES)
        and uids[str(event.get("UID", ""))] == 1
        and event.get("UID")
        and not event.subcomponents
    ]
    if not single:
        return [], calendar
    chosen = {id(event) for event in single}
    series = icalendar.Calendar()
    series.update(calendar)
    series.subcomponents = [c for c in calendar.subcomponents if id(c) not in chosen]
    return single, series


_SERIES_PROPERTIES = ("RRULE", "RDATE", "EXDATE", "EXRULE", "RECURRENCE-ID")


def _single_intervals(
    events: list[icalendar.cal.Component],
    start: dt.datetime,
    end: dt.datetime,
    tz: dt.tzinfo,
    budget: _Budget,
) -> list[Interval]:
    result = []
    for event in events:
        try:
            shape = _Shape(event)
            begin = _value(event, "DTSTART")
            interval = shape.interval(begin, _raw_end(event, begin), tz)
        except icalendar.InvalidCalendar:
            continue  # what the library skips (skip_bad_series); anything else is a broken file
        if interval is None or interval[1] <= start or interval[0] >= end:
            continue
        budget.take(not shape.free)
        if not shape.free:
            result.append(interval)
    return result


def _raw_end(event: icalendar.cal.Component, begin: dt.date | dt.datetime) -> dt.date | dt.datetime:
    """DTEND, else DTSTART + DURATION, else a day for a date and no time for a datetime: what
    recurring-ical-events' EventAdapter.raw_end gives (3.8.2)."""
    if "DTEND" in event:
        return _value(event, "DTEND")
    if "DURATION" in event:
        duration: dt.timedelta = _value(event, "DURATION")
        if duration.seconds and not isinstance(begin, dt.datetime):
            begin = dt.datetime.combine(begin, dt.time(0))
        return begin + duration
    if not isinstance(begin, dt.datetime):
        return begin + dt.timedelta(days=1)
    return begin


class _Budget:
    """Blocks and occurrences left for one calendar, and the time: checked at every one."""

    def __init__(self, max_blocks: int, deadline: float) -> None:
        self.blocks = max_blocks
        # Free and cancelled occurrences cost as much to step through as busy ones.
        self.occurrences = 4 * max_blocks
        self.deadline = deadline

    def take(self, busy: bool) -> None:
        self.occurrences -= 1
        self.blocks -= busy
        if self.blocks < 0 or self.occurrences < 0:
            raise SyncError("too_many_events", "over the cap")
        if self.occurrences % 1000 == 0 and time.monotonic() > self.deadline:
            raise SyncError("timeout", "expansion")


def _refuse_runaway_rules(
    calendars: list[icalendar.Calendar],
    tz: dt.tzinfo,
    start: dt.datetime,
    end: dt.datetime,
    max_blocks: int,
) -> None:
    """Refuse, before expanding anything, a calendar whose rules would give more busy times in
    the horizon than the cap, or make the library step through more than MAX_STEPS occurrences
    from their DTSTART (a 681-byte DAILY;BYHOUR;BYMINUTE;BYSECOND rule is 7.8 million).
    The error names the worst event by its first start and UID: never by its title."""
    busy = occurrences = steps = 0.0
    worst: tuple[float, icalendar.cal.Component | None] = (0.0, None)
    for calendar in calendars:
        for event in calendar.walk("VEVENT"):
            try:
                first = _as_aware(_value(event, "DTSTART"), tz)
                rules = [*_rules(event.get("RRULE")), *_rules(event.get("EXRULE"))]
                costs = [_rule_cost(rule, first, start, end) for rule in rules]
                free = _is_free(event)
            except SoftTimeLimitExceeded:
                raise
            except Exception:  # noqa: S112 - a broken series: the library skips it
                continue
            event_window = sum(c[0] for c in costs)
            event_steps = sum(c[1] for c in costs)
            # Free events give no busy times but cost as much to step through (_Budget).
            busy += 0 if free else event_window
            occurrences += event_window
            steps += event_steps
            weight = max(
                0 if free else event_window / max_blocks,
                event_window / (4 * max_blocks),
                event_steps / MAX_STEPS,
            )
            if weight > worst[0]:
                worst = (weight, event)
    if busy > max_blocks or occurrences > 4 * max_blocks or steps > MAX_STEPS:
        raise SyncError("too_many_events", _describe_event(worst[1], tz))


def _value(component: icalendar.cal.Component, name: str) -> Any:
    """A property's Python value (`.dt`); icalendar's types do not say which have one."""
    prop: Any = component[name]
    return prop.dt


def _rules(value: object) -> list[icalendar.vRecur]:
    if not value:
        return []
    return value if isinstance(value, list) else [value]  # type: ignore[list-item]


def _rule_cost(
    rule: icalendar.vRecur, first: dt.datetime, start: dt.datetime, end: dt.datetime
) -> tuple[float, float]:
    """(occurrences inside [start, end), occurrences from DTSTART to end), estimated from
    the frequency, INTERVAL, UNTIL, COUNT and the product of the BYxxx parts that expand."""
    freq = str((rule.get("FREQ") or [""])[0]).upper()
    if freq not in _FREQ_SECONDS:
        return 0.0, 0.0
    stop = end
    until = (rule.get("UNTIL") or [None])[0]
    if until is not None:
        stop = min(stop, _as_aware(until, start.tzinfo or dt.UTC))
    interval = max(int((rule.get("INTERVAL") or [1])[0]), 1)
    period = _FREQ_SECONDS[freq] * interval
    factor = _expansion(rule, freq)

    def count_between(low: dt.datetime) -> float:
        if stop <= low:
            return 0.0
        return ((stop - low).total_seconds() / period + 1) * factor

    window, steps = count_between(max(start, first)), count_between(first)
    count = (rule.get("COUNT") or [None])[0]
    if count is not None:
        window, steps = min(window, int(count)), min(steps, int(count))
    setpos = rule.get("BYSETPOS")
    if setpos:
        window = min(window, count_between(max(start, first)) / factor * len(setpos))
    return window, steps


def _expansion(rule: icalendar.vRecur, freq: str) -> int:
    """How many occurrences one period of the frequency can give (RFC 5545 3.3.10's table:
    a BYxxx part finer than the frequency expands it, a coarser one only limits it)."""
    level = _LEVEL[freq]

    def n(part: str) -> int:
        return len(rule.get(part) or [])

    factor = 1
    for part, finer_than in (("BYSECOND", 0), ("BYMINUTE", 1), ("BYHOUR", 2)):
        if level > finer_than and n(part):
            factor *= n(part)
    days = [str(day) for day in rule.get("BYDAY") or []]
    plain_days = sum(1 for day in days if day.isalpha())
    months = n("BYMONTH") or 12
    if freq == "WEEKLY" and days:
        factor *= len(days)
    elif freq == "MONTHLY":
        if n("BYMONTHDAY"):
            factor *= n("BYMONTHDAY")
        elif days:
            factor *= plain_days * 5 + (len(days) - plain_days)
    elif freq == "YEARLY":
        if n("BYYEARDAY"):
            factor *= n("BYYEARDAY")
        elif n("BYWEEKNO"):
            factor *= n("BYWEEKNO") * max(len(days), 1) * (1 if days else 7)
        elif n("BYMONTHDAY"):
            factor *= n("BYMONTHDAY") * months
        elif days:
            factor *= (plain_days * (5 * months if n("BYMONTH") else 53)) + len(days) - plain_days
        elif n("BYMONTH"):
            factor *= n("BYMONTH")
    return factor


def _describe_event(event: icalendar.cal.Component | None, tz: dt.tzinfo) -> str:
    """ "rule; start=…; uid=…" for errors.describe: the first start in the municipality's time
    and the UID, which identify the event without its title (which may be personal)."""
    if event is None:
        return "rule"
    try:
        first = _as_aware(_value(event, "DTSTART"), tz).astimezone(tz).strftime("%Y-%m-%d %H:%M")
    except Exception:
        first = "?"
    uid = " ".join(str(event.get("UID", "")).split())[:80]
    return f"rule; start={first}; uid={uid}"


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
    query: recurring_ical_events.CalendarQuery,
    low: dt.datetime,
    high: dt.datetime,
    tz: dt.tzinfo,
    budget: _Budget,
) -> list[Interval]:
    """Start and end of each busy occurrence.

    The library's public `between()` copies every occurrence into a new component (two thirds
    of the time on a large calendar); its occurrences already carry start, end and the source
    component (the override for a moved occurrence), which is all a busy time needs.
    """
    result = []
    shapes: dict[int, _Shape] = {}
    for occurrence in query._occurrences_between(low, high):  # private, pinned 3.8.2
        component = occurrence._adapter._component
        shape = shapes.get(id(component))
        if shape is None:
            shape = shapes[id(component)] = _Shape(component)
        budget.take(not shape.free)
        if shape.free:
            continue
        interval = shape.interval(occurrence.start, occurrence.end, tz)
        if interval is not None:
            result.append(interval)
    return result


class _Shape:
    """What an event's properties say about every one of its occurrences, read once.

    RFC 5545 where the library differs: it swaps a DTEND that is before DTSTART (such an event
    is skipped here, never turned round), and adds a DURATION on the wall clock, while hours,
    minutes and seconds of a DURATION are exact time (3.3.6): across a DST change the end is
    start + duration in UTC. Days and weeks stay nominal (the same wall time days later)."""

    def __init__(self, component: icalendar.cal.Component) -> None:
        self.free = _is_free(component)
        self.backwards = False
        self.duration: dt.timedelta | None = None
        try:
            start: Any = component.get("DTSTART")
            end: Any = component.get("DTEND")
            duration: Any = component.get("DURATION")
            if end is not None and start is not None:
                self.backwards = _comparable(end.dt) < _comparable(start.dt)
            elif duration is not None and isinstance(duration.dt, dt.timedelta):
                self.duration = duration.dt
        except SoftTimeLimitExceeded:
            raise
        except Exception:  # noqa: S110 - unreadable values: keep what the library computed
            pass

    def interval(
        self, begin: dt.date | dt.datetime, finish: dt.date | dt.datetime, tz: dt.tzinfo
    ) -> Interval | None:
        if self.backwards:
            return None
        if self.duration is not None:
            if self.duration < dt.timedelta(0):
                return None
            if isinstance(begin, dt.datetime) and self.duration.seconds:
                nominal = _as_aware(begin, tz) + dt.timedelta(days=self.duration.days)
                exact = nominal.astimezone(dt.UTC) + dt.timedelta(seconds=self.duration.seconds)
                return _interval(begin, exact, tz)
        return _interval(begin, finish, tz)


def _comparable(value: dt.date | dt.datetime) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(0), tzinfo=dt.UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


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

"""The engine's reads as fixed SQL, three statements: the sites with the closures, the weekly
rules, and what takes a nurse or a room (bookings, time off, busy blocks); only the columns it
uses, instants as whole POSIX seconds.

Why not the ORM here: for one site × 31 days the ORM's share of `open_slots` was about three
quarters (bench/README.md, issue 19): compiling six querysets on every call (~1.5 ms), building
a model object per site and rule, and converting ~500 datetimes per month through SQLite's
converters. The statements below are written once per shape (database, number of sites and
nurses) from the models' table and column names, and the database hands back integers.

Instants are rounded outwards (a start down, an end up to the whole second). The engine only
compares them with whole-second candidates, for which that is exact: a < ceil(e) iff a < e, and
floor(s) < b iff s < b.

Only quoted table and column names from the models' metadata and `%s` placeholders go into the
SQL text; every value is a parameter (hence the S608 noqa on each statement).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Model

from yurikago.db import prepared_cursor

from ..models import (
    AvailabilityRule,
    Booking,
    BusyBlock,
    Municipality,
    Nurse,
    Site,
    SiteClosure,
    TimeOff,
)


class SiteRow(NamedTuple):
    """What the engine needs of a site (the calendar rules read it like a Site)."""

    id: int
    rooms: int
    open_weekdays: list[int]
    closed_on_public_holidays: bool
    closed_nth_weekdays: list[list[int]]
    year_end_start: str
    year_end_end: str
    last_start_time: dt.time | None
    min_notice_days: int | None
    modes: list[str]
    municipality: Municipality


class ClosureRow(NamedTuple):
    site_id: int | None
    date_from: dt.date
    date_to: dt.date


class RuleRow(NamedTuple):
    nurse_id: int
    site_id: int
    weekday: int
    start_time: dt.time
    end_time: dt.time
    valid_from: dt.date
    valid_to: dt.date | None
    remote: bool


# (nurse, start, end, weekly until) of time off (the engine expands the weekly ones), or of a
# calendar's busy block (never weekly); the date as ISO text on SQLite.
AwayRow = tuple[int, int, int, dt.date | str | None]
# What takes a nurse or a room: (0, nurse, site, start, blocked until, room, None) for an active
# booking, (1, nurse, None, start, end, None, weekly until) for time off or a busy block; the
# weekly until date as the database hands it back (ISO text on SQLite).
TakenRow = tuple[int, int, int | None, int, int, int | None, Any]


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _col(model: type[Model], field: str) -> str:
    column = model._meta.get_field(field).column  # type: ignore[union-attr]
    assert column is not None
    return connection.ops.quote_name(column)


def _seconds(model: type[Model], field: str, *, up: bool, alias: str = "") -> str:
    """A datetime column as whole POSIX seconds: rounded down, or up with `up`."""
    col = f"{alias}{_col(model, field)}"
    if connection.vendor == "postgresql":
        rounding = "CEIL" if up else "FLOOR"
        return f"CAST({rounding}(EXTRACT(EPOCH FROM {col})) AS BIGINT)"
    # SQLite stores UTC text, 'YYYY-MM-DD HH:MM:SS' with '.ffffff' only when there is a
    # fraction; both functions drop the fraction. unixepoch() (SQLite 3.38) is the cheaper.
    if sqlite3.sqlite_version_info >= (3, 38):
        seconds = f"unixepoch({col})"
    else:
        seconds = f"CAST(strftime('%%s', {col}) AS INTEGER)"
    return f"({seconds} + (instr({col}, '.') > 0))" if up else seconds


def _plain(column: str) -> str:
    """A date, time or boolean column as the database stores it. On SQLite, a bare column of a
    declared type goes through Django's converter, a Python call per value (for a month's
    rules, most of the read); an expression has no declared type, and unary plus is one."""
    return f"+{column}" if connection.vendor == "sqlite" else column


def _in(count: int) -> str:
    """` IN (%s, …)` for `count` ids; on PostgreSQL ` = ANY(%s)`, one array parameter (`_ids`):
    the statement's text is then the same whatever the number of sites and nurses, so it is
    prepared once per connection (`_fetch`), and psycopg, which keeps its parsing of a statement
    only up to 50 parameters, parses it once (a month of 18 nurses had ~110 parameters)."""
    if connection.vendor == "postgresql":
        return " = ANY(%s)"
    return " IN (" + ", ".join(["%s"] * count) + ")"


def _not_in(count: int) -> str:
    if connection.vendor == "postgresql":
        return " <> ALL(%s)"
    return " NOT" + _in(count)


def _ids(ids: Sequence[int]) -> list[Any]:
    """The parameters of an `_in`: the ids, or on PostgreSQL one list of them (an array)."""
    if connection.vendor == "postgresql":
        return [list(ids)]
    return list(ids)


@lru_cache(maxsize=256)
def _sql(vendor: str, kind: str, count: int, other: int = 0) -> str:
    """The statement of one read for `count` (and `other`) ids; `vendor` is part of the key."""
    if kind == "sites":
        # The sites, then the closures in the range (kind 1), in one statement: a closure's
        # site (NULL: every site) in the id column, its dates in the last two.
        cols = ", ".join(
            _plain(_col(Site, f))
            for f in (
                "id",
                "rooms",
                "open_weekdays",
                "closed_on_public_holidays",
                "closed_nth_weekdays",
                "year_end_start",
                "year_end_end",
                "last_start_time",
                "min_notice_days",
                "modes",
            )
        )
        where = f"{_col(Site, 'municipality')} = %s AND {_col(Site, 'is_active')} = %s"
        if count >= 0:
            where += f" AND {_col(Site, 'id')}{_in(count)}"
        nothing = ", ".join(["NULL"] * 9)
        c = SiteClosure
        return (
            f"SELECT 0, {cols}, CAST(NULL AS date), CAST(NULL AS date) "  # noqa: S608
            f"FROM {_table(Site)} WHERE {where} "
            f"UNION ALL SELECT 1, {_col(c, 'site')}, {nothing}, "
            f"{_plain(_col(c, 'date_from'))}, {_plain(_col(c, 'date_to'))} FROM {_table(c)} "
            f"WHERE {_col(c, 'municipality')} = %s "
            f"AND {_col(c, 'date_from')} <= %s AND {_col(c, 'date_to')} >= %s"
        )
    if kind == "rules":
        r, n = _table(AvailabilityRule), _table(Nurse)
        cols = ", ".join(
            _plain(f"{r}.{_col(AvailabilityRule, f)}")
            for f in (
                "nurse",
                "site",
                "weekday",
                "start_time",
                "end_time",
                "valid_from",
                "valid_to",
                "remote",
            )
        )
        valid_to = f"{r}.{_col(AvailabilityRule, 'valid_to')}"
        sql = (
            f"SELECT {cols} FROM {r} INNER JOIN {n} "  # noqa: S608
            f"ON {n}.{_col(Nurse, 'id')} = {r}.{_col(AvailabilityRule, 'nurse')} "
            f"WHERE {r}.{_col(AvailabilityRule, 'site')}{_in(count)} "
            f"AND {n}.{_col(Nurse, 'is_active')} = %s "
            f"AND {r}.{_col(AvailabilityRule, 'valid_from')} <= %s "
            f"AND ({valid_to} IS NULL OR {valid_to} >= %s)"
        )
        if other:  # a range shorter than a week reads only its weekdays' rules
            sql += f" AND {r}.{_col(AvailabilityRule, 'weekday')}{_in(other)}"
        return sql
    if kind == "taken":
        return _taken_sql(count, other)
    raise ValueError(kind)


def _active(alias: str) -> str:
    """Confirmed, or held and not expired at the `%s` given: the bookings that take a nurse."""
    status = f"{alias}{_col(Booking, 'status')}"
    if connection.vendor == "sqlite":
        # Unary plus keeps SQLite's planner off the status index, which it otherwise picks for
        # this OR and then walks every confirmed booking of every year.
        status = f"+{status}"
    return f"({status} = %s OR ({status} = %s AND {alias}{_col(Booking, 'expires_at')} > %s))"


def _taken_sql(nurses: int, sites: int) -> str:
    """What takes a nurse or a room, as (kind, nurse, site, start, end, room, weekly until):
    kind 0 the active bookings, kind 1 time off (weekly until a date, or once) and calendar
    busy blocks (once), all in one statement.

    The bookings come in three parts, each a bounded index range (the nurse's or the site's
    bookings by start):

    1. the nurses' bookings starting in the range;
    2. other nurses' bookings starting in the range at the sites (they hold a room);
    3. those starting before the range and running into it. A nurse's active bookings never
       overlap (the exclusion constraint on PostgreSQL, the IMMEDIATE check-then-insert on
       SQLite), so only her latest one starting before the range can: one backward index step
       per nurse of the municipality (and per nurse asked about, should one belong to another),
       instead of every booking she ever had.

    Parts 1 and 2 never return the same row; part 3 none of theirs (it starts before)."""
    b, n = _table(Booking), _table(Nurse)
    nurse, site, start = _col(Booking, "nurse"), _col(Booking, "site"), _col(Booking, "start")
    booking_id = _col(Booking, "id")

    def columns(alias: str) -> str:
        return (
            f"0, {alias}{nurse}, {alias}{site}, "
            f"{_seconds(Booking, 'start', up=False, alias=alias)}, "
            f"{_seconds(Booking, 'blocked_until', up=True, alias=alias)}, "
            f"{alias}{_col(Booking, 'room')}, CAST(NULL AS date)"
        )

    in_range = f"{start} >= %s AND {start} < %s AND {_active('')} AND {booking_id} <> %s"
    latest = (
        f"SELECT x.{booking_id} FROM {b} x WHERE x.{nurse} = {n}.{_col(Nurse, 'id')} "  # noqa: S608
        f"AND x.{start} < %s AND {_active('x.')} ORDER BY x.{start} DESC LIMIT 1"
    )
    if connection.vendor == "postgresql":
        running_into = (
            f"{n} CROSS JOIN LATERAL ({latest}) y "
            f"INNER JOIN {b} k ON k.{booking_id} = y.{booking_id}"
        )
    else:
        running_into = f"{n} INNER JOIN {b} k ON k.{booking_id} = ({latest})"
    return (
        f"SELECT {columns('')} FROM {b} WHERE {nurse}{_in(nurses)} AND {in_range} "  # noqa: S608
        f"UNION ALL SELECT {columns('')} FROM {b} WHERE {site}{_in(sites)} "
        f"AND {nurse}{_not_in(nurses)} AND {in_range} "
        f"UNION ALL SELECT {columns('k.')} FROM {running_into} "
        f"WHERE ({n}.{_col(Nurse, 'municipality')} = %s "
        f"OR {n}.{_col(Nurse, 'id')}{_in(nurses)}) "
        f"AND k.{_col(Booking, 'blocked_until')} > %s "
        f"AND (k.{nurse}{_in(nurses)} OR k.{site}{_in(sites)}) AND k.{booking_id} <> %s "
        f"UNION ALL SELECT 1, {_col(TimeOff, 'nurse')}, NULL, "
        f"{_seconds(TimeOff, 'start', up=False)}, {_seconds(TimeOff, 'end', up=True)}, NULL, "
        f"{_plain(_col(TimeOff, 'weekly_until'))} "
        f"FROM {_table(TimeOff)} WHERE {_col(TimeOff, 'nurse')}{_in(nurses)} "
        f"AND {_col(TimeOff, 'start')} < %s "
        f"AND ({_col(TimeOff, 'end')} > %s OR {_col(TimeOff, 'weekly_until')} >= %s) "
        f"UNION ALL SELECT 1, {_col(BusyBlock, 'nurse')}, NULL, "
        f"{_seconds(BusyBlock, 'start', up=False)}, {_seconds(BusyBlock, 'end', up=True)}, "
        f"NULL, NULL FROM {_table(BusyBlock)} WHERE {_col(BusyBlock, 'nurse')}{_in(nurses)} "
        f"AND {_col(BusyBlock, 'start')} < %s AND {_col(BusyBlock, 'end')} > %s"
    )


def _fetch(kind: str, params: Sequence[Any], count: int, other: int = 0) -> list[tuple[Any, ...]]:
    # Fixed text per shape, values as parameters: prepared once per connection on PostgreSQL
    # (yurikago/db.py), where planning the bookings' statement took 1.5-2 ms on every call.
    with prepared_cursor() as cursor:
        cursor.execute(_sql(connection.vendor, kind, count, other), params)
        return cursor.fetchall()


# Values as SQLite hands them back (text), or as PostgreSQL does (already typed).
def _date(value: Any) -> Any:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _time(value: Any) -> Any:
    return dt.time.fromisoformat(value) if isinstance(value, str) else value


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _when(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _day(value: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def sites(
    municipality: Municipality, site_ids: Sequence[int] | None, date_from: dt.date, date_to: dt.date
) -> tuple[list[SiteRow], list[ClosureRow]]:
    """The active sites (these, or all the municipality's) and the municipality's closures
    that meet date_from … date_to, in one statement."""
    ids = list(site_ids) if site_ids is not None else []
    chosen = _ids(ids) if site_ids is not None else []
    params = [municipality.pk, True, *chosen, municipality.pk, _day(date_to), _day(date_from)]
    found: list[SiteRow] = []
    closed: list[ClosureRow] = []
    for row in _fetch("sites", params, -1 if site_ids is None else len(ids)):
        if row[0]:
            closed.append(ClosureRow(row[1], _date(row[11]), _date(row[12])))
        else:
            site = _parsed(_site_rows, row[1:11], _site)
            found.append(SiteRow._make((*site, municipality)))
    return found, closed


def _site(row: tuple[Any, ...]) -> tuple[Any, ...]:
    i, rooms, weekdays, holidays, nth, ye_start, ye_end, last, notice, modes = row
    return (
        i,
        rooms,
        _json(weekdays),
        bool(holidays),
        _json(nth),
        ye_start,
        ye_end,
        _time(last),
        notice,
        _json(modes),
    )


# Parsed rows by the rows as read: sites and weekly rules change rarely, and the same few come
# back on every call, so each is parsed (JSON, times, dates) once, not per call. Keyed by the
# whole row, so an edited row is simply a new key. Bounded: cleared when full.
_PARSED_MAX = 4096
_site_rows: dict[tuple[Any, ...], tuple[Any, ...]] = {}
_rule_rows: dict[tuple[Any, ...], RuleRow] = {}


def _parsed[T](
    memo: dict[tuple[Any, ...], T], row: tuple[Any, ...], parse: Callable[[tuple[Any, ...]], T]
) -> T:
    try:
        return memo[row]
    except KeyError:
        if len(memo) >= _PARSED_MAX:
            memo.clear()
        memo[row] = value = parse(row)
        return value
    except TypeError:  # unhashable: PostgreSQL hands back JSON already as lists
        return parse(row)


def rules(
    site_ids: Sequence[int], date_from: dt.date, date_to: dt.date, weekdays: Sequence[int]
) -> list[RuleRow]:
    """The active nurses' rules at these sites valid in the range; only `weekdays`' when given
    (empty: every weekday)."""
    on = _ids(weekdays) if weekdays else []
    params = [*_ids(site_ids), True, _day(date_to), _day(date_from), *on]
    rows = _fetch("rules", params, len(site_ids), len(weekdays))
    return [_parsed(_rule_rows, row, _rule) for row in rows]


def _rule(row: tuple[Any, ...]) -> RuleRow:
    nurse, site, weekday, start, end, valid_from, valid_to, remote = row
    return RuleRow(
        nurse,
        site,
        weekday,
        _time(start),
        _time(end),
        _date(valid_from),
        _date(valid_to) if valid_to is not None else None,
        bool(remote),
    )


def taken(
    nurse_ids: Sequence[int],
    site_ids: Sequence[int],
    since: dt.datetime,
    until: dt.datetime,
    now: dt.datetime,
    *,
    date_from: dt.date,
    municipality_id: int,
    exclude_id: int | None = None,
) -> list[TakenRow]:
    """In one statement, as TakenRows: the active bookings
    (confirmed, or holds not expired at `now`) of these nurses or at these sites overlapping
    since … until (a booking's time runs to its `blocked_until`), but the one `exclude_id`
    names; and (nurse, start, end, weekly until) of the nurses' time off that may fall in the
    range (weekly ones started before it, by `date_from`, the range's first local date) and of
    their calendars' busy blocks overlapping it."""
    active = [Booking.Status.CONFIRMED.value, Booking.Status.HELD.value, _when(now)]
    nurses, sites = _ids(nurse_ids), _ids(site_ids)
    exclude = exclude_id if exclude_id is not None else 0  # ids start at 1
    in_range = [_when(since), _when(until), *active, exclude]
    params = [
        *nurses,
        *in_range,
        *sites,
        *nurses,
        *in_range,
        _when(since),
        *active,
        municipality_id,
        *nurses,
        _when(since),
        *nurses,
        *sites,
        exclude,
        *nurses,
        _when(until),
        _when(since),
        _day(date_from),
        *nurses,
        _when(until),
        _when(since),
    ]
    return _fetch("taken", params, len(nurse_ids), len(site_ids))

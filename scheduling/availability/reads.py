"""The engine's six reads as fixed SQL: only the columns it uses, instants as whole POSIX seconds.

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
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Model

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


# (nurse, start, end, weekly until) of time off; the engine expands the weekly ones.
TimeOffRow = tuple[int, int, int, dt.date | None]
# (nurse, start, end) of a calendar's busy block.
BusyRow = tuple[int, int, int]
# (booking id, nurse, site, start, blocked until, room)
BookingRow = tuple[int, int, int, int, int, int | None]


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _col(model: type[Model], field: str) -> str:
    column = model._meta.get_field(field).column  # type: ignore[union-attr]
    assert column is not None
    return connection.ops.quote_name(column)


def _seconds(model: type[Model], field: str, *, up: bool) -> str:
    """A datetime column as whole POSIX seconds: rounded down, or up with `up`."""
    col = _col(model, field)
    if connection.vendor == "postgresql":
        rounding = "CEIL" if up else "FLOOR"
        return f"CAST({rounding}(EXTRACT(EPOCH FROM {col})) AS BIGINT)"
    # SQLite stores UTC text, 'YYYY-MM-DD HH:MM:SS' with '.ffffff' only when there is a
    # fraction; strftime('%s') drops the fraction.
    seconds = f"CAST(strftime('%%s', {col}) AS INTEGER)"
    return f"({seconds} + (instr({col}, '.') > 0))" if up else seconds


def _in(count: int) -> str:
    return "(" + ", ".join(["%s"] * count) + ")"


@lru_cache(maxsize=256)
def _sql(vendor: str, kind: str, count: int, other: int = 0) -> str:
    """The statement of one read for `count` (and `other`) ids; `vendor` is part of the key."""
    if kind == "sites":
        cols = ", ".join(
            _col(Site, f)
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
            where += f" AND {_col(Site, 'id')} IN {_in(count)}"
        return f"SELECT {cols} FROM {_table(Site)} WHERE {where}"  # noqa: S608
    if kind == "closures":
        return (
            f"SELECT {_col(SiteClosure, 'site')}, {_col(SiteClosure, 'date_from')}, "  # noqa: S608
            f"{_col(SiteClosure, 'date_to')} FROM {_table(SiteClosure)} "
            f"WHERE {_col(SiteClosure, 'municipality')} = %s "
            f"AND {_col(SiteClosure, 'date_from')} <= %s AND {_col(SiteClosure, 'date_to')} >= %s"
        )
    if kind == "rules":
        r, n = _table(AvailabilityRule), _table(Nurse)
        cols = ", ".join(
            f"{r}.{_col(AvailabilityRule, f)}"
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
            f"WHERE {r}.{_col(AvailabilityRule, 'site')} IN {_in(count)} "
            f"AND {n}.{_col(Nurse, 'is_active')} = %s "
            f"AND {r}.{_col(AvailabilityRule, 'valid_from')} <= %s "
            f"AND ({valid_to} IS NULL OR {valid_to} >= %s)"
        )
        if other:  # a range shorter than a week reads only its weekdays' rules
            sql += f" AND {r}.{_col(AvailabilityRule, 'weekday')} IN {_in(other)}"
        return sql
    if kind == "time_off":
        return (
            f"SELECT {_col(TimeOff, 'nurse')}, {_seconds(TimeOff, 'start', up=False)}, "  # noqa: S608
            f"{_seconds(TimeOff, 'end', up=True)}, {_col(TimeOff, 'weekly_until')} "
            f"FROM {_table(TimeOff)} WHERE {_col(TimeOff, 'nurse')} IN {_in(count)} "
            f"AND {_col(TimeOff, 'start')} < %s "
            f"AND ({_col(TimeOff, 'end')} > %s OR {_col(TimeOff, 'weekly_until')} >= %s)"
        )
    if kind == "busy":
        return (
            f"SELECT {_col(BusyBlock, 'nurse')}, {_seconds(BusyBlock, 'start', up=False)}, "  # noqa: S608
            f"{_seconds(BusyBlock, 'end', up=True)} FROM {_table(BusyBlock)} "
            f"WHERE {_col(BusyBlock, 'nurse')} IN {_in(count)} "
            f"AND {_col(BusyBlock, 'start')} < %s AND {_col(BusyBlock, 'end')} > %s"
        )
    if kind == "bookings":
        status = _col(Booking, "status")
        return (
            f"SELECT {_col(Booking, 'id')}, {_col(Booking, 'nurse')}, {_col(Booking, 'site')}, "  # noqa: S608
            f"{_seconds(Booking, 'start', up=False)}, "
            f"{_seconds(Booking, 'blocked_until', up=True)}, {_col(Booking, 'room')} "
            f"FROM {_table(Booking)} "
            f"WHERE ({status} = %s OR ({status} = %s AND {_col(Booking, 'expires_at')} > %s)) "
            f"AND ({_col(Booking, 'nurse')} IN {_in(count)} "
            f"OR {_col(Booking, 'site')} IN {_in(other)}) "
            f"AND {_col(Booking, 'start')} < %s AND {_col(Booking, 'blocked_until')} > %s"
        )
    raise ValueError(kind)


def _fetch(kind: str, params: Sequence[Any], count: int, other: int = 0) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
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


def sites(municipality: Municipality, site_ids: Sequence[int] | None) -> list[SiteRow]:
    ids = list(site_ids) if site_ids is not None else []
    rows = _fetch("sites", [municipality.pk, True, *ids], -1 if site_ids is None else len(ids))
    return [
        SiteRow(
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
            municipality,
        )
        for i, rooms, weekdays, holidays, nth, ye_start, ye_end, last, notice, modes in rows
    ]


def closures(municipality: Municipality, date_from: dt.date, date_to: dt.date) -> list[ClosureRow]:
    rows = _fetch("closures", [municipality.pk, _day(date_to), _day(date_from)], 0)
    return [ClosureRow(site, _date(first), _date(last)) for site, first, last in rows]


def rules(
    site_ids: Sequence[int], date_from: dt.date, date_to: dt.date, weekdays: Sequence[int]
) -> list[RuleRow]:
    """The active nurses' rules at these sites valid in the range; only `weekdays`' when given
    (empty: every weekday)."""
    params = [*site_ids, True, _day(date_to), _day(date_from), *weekdays]
    return [
        RuleRow(
            nurse,
            site,
            weekday,
            _time(start),
            _time(end),
            _date(valid_from),
            _date(valid_to) if valid_to is not None else None,
            bool(remote),
        )
        for nurse, site, weekday, start, end, valid_from, valid_to, remote in _fetch(
            "rules", params, len(site_ids), len(weekdays)
        )
    ]


def time_off(
    nurse_ids: Sequence[int], since: dt.datetime, until: dt.datetime, date_from: dt.date
) -> list[TimeOffRow]:
    """Time off that may fall in since … until (weekly ones started before it)."""
    params = [*nurse_ids, _when(until), _when(since), _day(date_from)]
    return [
        (nurse, start, end, _date(weekly_until) if weekly_until is not None else None)
        for nurse, start, end, weekly_until in _fetch("time_off", params, len(nurse_ids))
    ]


def busy(nurse_ids: Sequence[int], since: dt.datetime, until: dt.datetime) -> list[BusyRow]:
    params = [*nurse_ids, _when(until), _when(since)]
    return _fetch("busy", params, len(nurse_ids))


def bookings(
    nurse_ids: Sequence[int],
    site_ids: Sequence[int],
    since: dt.datetime,
    until: dt.datetime,
    now: dt.datetime,
) -> list[BookingRow]:
    """Active bookings (confirmed, or holds not expired at `now`) of these nurses or at these
    sites overlapping since … until (a booking's time runs to its `blocked_until`)."""
    params = [
        Booking.Status.CONFIRMED.value,
        Booking.Status.HELD.value,
        _when(now),
        *nurse_ids,
        *site_ids,
        _when(until),
        _when(since),
    ]
    return _fetch("bookings", params, len(nurse_ids), len(site_ids))

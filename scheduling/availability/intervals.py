"""Is this one start free, and with which nurses and rooms? The booking services' check.

`open_slots` computes a site's whole day (three reads, every nurse, every candidate start) to offer
times; a booking needs one start only. `slot_at` answers for that start alone, with the same
rules as the engine (tests/scheduling/test_booking_slot_at_matches_the_engine.py checks them
against each other on generated data): the nurses whose weekly hours at the site yield that
start, minus those away (time off, weekly or not, and calendar busy blocks) or booked across it
(a booking's start moved back by this interview's buffer), least loaded that day first; and, in
person, the site's rooms not in use across it. On PostgreSQL the rows come in ONE round trip (a
UNION ALL of the chosen day's rules, closures, time off, busy blocks and bookings of those
nurses and that site); elsewhere in five small ORM reads. The database's exclusion constraints
stay the final judge of overlaps on PostgreSQL; this check only picks a nurse and a room that
are free as far as the transaction can see.

What residents are offered still comes from the engine (engine.py); this module only reuses its
pure calendar rules (calendar_rules.py) and its `Slot`, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Q

from yurikago.db import prepared_cursor

from ..models import (
    AvailabilityRule,
    Booking,
    BusyBlock,
    InterviewType,
    Mode,
    Nurse,
    Site,
    SiteClosure,
    TimeOff,
)
from .calendar_rules import rule_slot_times, site_is_open, time_off_occurrences
from .engine import Slot

# (nurse id, rule start, rule end, remote)
_Rule = tuple[int, dt.time, dt.time, bool]
# (booking id, nurse id, site id, start, blocked_until, room)
_Booked = tuple[int, int, int, dt.datetime, dt.datetime, int | None]


def slot_at(
    *,
    site: Site,
    interview_type: InterviewType,
    start: dt.datetime,
    mode: str,
    earliest: dt.datetime,
    now: dt.datetime,
    exclude_booking_id: int | None = None,
    day_rows: DayRows | None = None,
) -> Slot | None:
    """The slot starting at `start` at `site`, as `open_slots` would give it for that day, or
    None when no nurse (or, in person, no room) is free then.

    The caller has already checked the mode against the type and the site, the past and the
    booking window; `earliest` is the first bookable instant (the notice, or now for staff).
    `day_rows`: the day's rows when the caller read them already (site_and_day_locked)."""
    day = start.astimezone(site.municipality.tz).date()
    if start < earliest or not site.is_active:
        return None
    if day_rows is None:
        day_rows = day_rows_for(site, day, now, exclude_booking_id)
    return _Day(site, interview_type, mode, day, day_rows, exclude_booking_id).slot(start)


def day_slots(
    *,
    site: Site,
    interview_type: InterviewType,
    day: dt.date,
    mode: str,
    earliest: dt.datetime,
    day_rows: DayRows,
) -> list[Slot]:
    """Every slot of `site` on `day` from `earliest` on, by start, from the day's rows already
    read (a refusal's alternatives, issue 19: no read and no engine). Each is `slot_at`'s answer
    for its start, so the same as the engine's day at that site."""
    if not site.is_active:
        return []
    check = _Day(site, interview_type, mode, day, day_rows, None)
    tz = site.municipality.tz
    times: set[dt.time] = set().union(*(check.starts_of_rule(i) for i in range(len(day_rows[0]))))
    starts = sorted({dt.datetime.combine(day, t, tzinfo=tz) for t in times})
    found = [check.slot(at) for at in starts if at >= earliest]
    return [slot for slot in found if slot is not None]


def day_rows_for(
    site: Site, day: dt.date, now: dt.datetime, exclude_booking_id: int | None = None
) -> DayRows:
    """The day's rows for `slot_at` and `day_slots`, read on their own (no lock)."""
    since, until = _day_bounds(site, day)
    if connection.vendor == "postgresql":
        _site, day_rows, _extra = _load_postgresql(site, day, since, until, now, exclude_booking_id)
        return day_rows
    return _load_orm(site, day, since, until, now, exclude_booking_id)


class _Day:
    """A site's day rows arranged once, to ask about any of its starts (slot_at, day_slots)."""

    def __init__(
        self,
        site: Site,
        interview_type: InterviewType,
        mode: str,
        day: dt.date,
        day_rows: DayRows,
        exclude_booking_id: int | None,
    ) -> None:
        self.site, self.mode, self.day = site, mode, day
        self.tz = site.municipality.tz
        self.duration = interview_type.duration
        self.step = dt.timedelta(minutes=interview_type.slot_step_minutes)
        self.rules, closed, away, bookings = day_rows
        self._starts_of_rule: dict[int, frozenset[dt.time]] = {}
        buffer = interview_type.buffer
        site_serves_mode = not site.modes or mode in site.modes
        self.open_today = site_serves_mode and not closed and site_is_open(site, day)
        # Every instant below is naive UTC, converted once here: the rows come in UTC and the
        # starts asked in local time, and comparing aware datetimes of two zones asks both for
        # their offset each time (a full day's refusal compared 50 starts × nurses × bookings:
        # 12 % of the rush's CPU, issue 19). The same instants, so the same answers.
        self.away: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {
            nurse_id: [(_utc(s), _utc(e)) for s, e in spans] for nurse_id, spans in away.items()
        }
        # A booking's start moves back by this interview's buffer (as in the engine), so one
        # overlap test answers both "is she booked then" and "does its buffer run into her
        # next one".
        self.booked_by_nurse: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
        self.rooms_booked: list[tuple[int, dt.datetime, dt.datetime]] = []
        self.load_today: dict[int, int] = defaultdict(int)
        for booking_id, nurse_id, site_id, b_start, b_until, room in bookings:
            if booking_id == exclude_booking_id:
                continue
            span = (_utc(b_start - buffer), _utc(b_until))
            self.booked_by_nurse[nurse_id].append(span)
            if b_start.astimezone(self.tz).date() == day:
                self.load_today[nurse_id] += 1
            if room is not None and site_id == site.pk:
                self.rooms_booked.append((room, *span))

    def starts_of_rule(self, i: int) -> frozenset[dt.time]:
        """The local start times the day's rule `i` yields, worked out once for the day: a
        refusal's alternatives ask every start of the day (day_slots), each going through every
        rule."""
        times = self._starts_of_rule.get(i)
        if times is None:
            _nurse, rule_start, rule_end, _remote = self.rules[i]
            times = frozenset(
                t
                for t, _end in rule_slot_times(
                    rule_start, rule_end, self.duration, self.step, self.site.last_start_time
                )
            )
            self._starts_of_rule[i] = times
        return times

    def slot(self, start: dt.datetime) -> Slot | None:
        """The slot at `start` (on this day), or None when no nurse (or room) is free then."""
        site, mode = self.site, self.mode
        local = start.astimezone(self.tz)
        begins = _utc(start)
        end = begins + self.duration
        nurses: list[int] = []
        at = local.time()
        for i, (nurse_id, _rule_start, _rule_end, remote) in enumerate(self.rules):
            if nurse_id in nurses:
                continue
            if remote and mode == Mode.IN_PERSON:
                continue  # remote hours serve video and phone only
            if not remote and not self.open_today:
                continue
            if at not in self.starts_of_rule(i):
                continue  # not a start this rule yields
            if any(s < end and e > begins for s, e in self.away.get(nurse_id, ())):
                continue
            if any(s < end and e > begins for s, e in self.booked_by_nurse.get(nurse_id, ())):
                continue
            nurses.append(nurse_id)
        if not nurses:
            return None
        rooms: tuple[int, ...] = ()
        if mode == Mode.IN_PERSON:
            busy = {room for room, s, e in self.rooms_booked if s < end and e > begins}
            rooms = tuple(r for r in range(1, site.rooms + 1) if r not in busy)
            if not rooms:
                return None
        nurses.sort(key=lambda n: (self.load_today.get(n, 0), n))
        return Slot(
            site_id=site.pk,
            start=local,
            end=local + self.duration,
            mode=mode,
            nurse_ids=tuple(nurses),
            free_rooms=rooms,
        )


def _utc(moment: dt.datetime) -> dt.datetime:
    """An aware instant as naive UTC (the one zone _Day compares in)."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


# The day's rows `slot_at` decides from: rules, closed?, away by nurse, bookings.
DayRows = tuple[list[_Rule], bool, dict[int, list[tuple[dt.datetime, dt.datetime]]], list[_Booked]]


def _day_bounds(site: Site, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = site.municipality.tz
    since = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    return since, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)


def _away(
    time_off: list[tuple[int, dt.datetime, dt.datetime, dt.date | None]],
    busy: list[tuple[int, dt.datetime, dt.datetime]],
    since: dt.datetime,
    until: dt.datetime,
    tz: dt.tzinfo,
) -> dict[int, list[tuple[dt.datetime, dt.datetime]]]:
    away: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for nurse_id, off_start, off_end, weekly_until in time_off:
        off = TimeOff(nurse_id=nurse_id, start=off_start, end=off_end, weekly_until=weekly_until)
        away[nurse_id] += time_off_occurrences(off, until=until, tz=tz, since=since)
    for nurse_id, b_start, b_end in busy:
        away[nurse_id].append((b_start, b_end))
    return away


def _load_orm(
    site: Site,
    day: dt.date,
    since: dt.datetime,
    until: dt.datetime,
    now: dt.datetime,
    exclude_booking_id: int | None,
) -> DayRows:
    rules: list[_Rule] = list(
        AvailabilityRule.objects.filter(
            site_id=site.pk,
            nurse__is_active=True,
            weekday=day.weekday(),
            valid_from__lte=day,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by()
        .values_list("nurse_id", "start_time", "end_time", "remote")
    )
    nurse_ids = sorted({r[0] for r in rules})
    if not nurse_ids:
        return rules, False, {}, []
    closed = (
        SiteClosure.objects.filter(
            municipality_id=site.municipality_id, date_from__lte=day, date_to__gte=day
        )
        .filter(Q(site__isnull=True) | Q(site_id=site.pk))
        .exists()
    )
    time_off = list(
        TimeOff.objects.filter(nurse_id__in=nurse_ids, start__lt=until)
        .filter(Q(end__gt=since) | Q(weekly_until__gte=day))
        .values_list("nurse_id", "start", "end", "weekly_until")
    )
    busy = list(
        BusyBlock.objects.filter(
            nurse_id__in=nurse_ids, start__lt=until, end__gt=since
        ).values_list("nurse_id", "start", "end")
    )
    bookings: list[_Booked] = list(
        Booking.objects.active(now)
        .filter(Q(nurse_id__in=nurse_ids) | Q(site_id=site.pk))
        .filter(start__lt=until, blocked_until__gt=since)
        .order_by()
        .values_list("id", "nurse_id", "site_id", "start", "blocked_until", "room")
    )
    return rules, closed, _away(time_off, busy, since, until, site.municipality.tz), bookings


def _sql(*, lock_site: bool) -> str:
    """One statement, five kinds of row: r(ule), c(losure), o(ff), b(usy), k (booking); with
    `lock_site`, two more: s, the site's row as JSON, read under its share lock, and x, what the
    booking needs besides the day (ForTheBooking: the interview type's contact, her LINE user
    and STOP), so that nothing is read before the transaction (issue 19)."""
    # The booking's own reads, from the modules that own them (imported here: they import
    # the scheduling models, which import this package).
    from notifications.outbox import LINE_USER_SQL, SMS_STOPPED_SQL

    from ..contacts import CONTACT_ID_FOR_TYPE_SQL

    rule, nurse, closure = (
        AvailabilityRule._meta.db_table,
        Nurse._meta.db_table,
        SiteClosure._meta.db_table,
    )
    off, busy, booking = TimeOff._meta.db_table, BusyBlock._meta.db_table, Booking._meta.db_table
    null_ts, null_t, null_d, null_i, null_x = (
        "NULL::timestamptz",
        "NULL::time",
        "NULL::date",
        "NULL::integer",
        "NULL::text",
    )
    # FOR KEY SHARE: the lock a booking's foreign key takes anyway (see booking_placement).
    # NOWAIT: a statement that waits for a row lock reads every other row as of its start
    # (READ COMMITTED), so a read that waited for a schedule edit would see the hours from
    # before it; when the lock is held, the caller takes it first and reads again
    # (booking_reads_locked, wait=True).
    site_cte = (
        f"s AS (SELECT to_jsonb(x)::text AS j FROM {Site._meta.db_table} x "  # noqa: S608
        "WHERE x.id = %(site)s FOR KEY SHARE NOWAIT),"
        if lock_site
        else ""
    )
    # Has the pregnancy `pregnancy` an active booking for the contact asked (`contact`), else for
    # the type's? Asked only when a direct booking is refused ("already booked" comes before
    # "taken"), but read here: no statement of its own after the refusal.
    already_booked = (
        f"EXISTS (SELECT 1 FROM {booking} a WHERE a.pregnancy_id = %(pregnancy)s "  # noqa: S608
        "AND a.status IN ('held', 'confirmed') "
        "AND (a.status = 'confirmed' OR a.expires_at > %(now)s) "
        f"AND a.contact_id IS NOT DISTINCT FROM COALESCE(%(contact)s::bigint, "
        f"{CONTACT_ID_FOR_TYPE_SQL}))"
    )
    site_row = (
        f"""UNION ALL
SELECT 's', {null_i}, {null_ts}, {null_ts}, {null_t}, {null_t}, {null_d}, {null_i}, {null_i},
       {null_i}, j FROM s
UNION ALL
SELECT 'x', {CONTACT_ID_FOR_TYPE_SQL}, {null_ts}, {null_ts}, {null_t}, {null_t}, {null_d},
       ({SMS_STOPPED_SQL})::integer, ({already_booked})::integer, {null_i},
       {LINE_USER_SQL}"""  # noqa: S608 (as below)
        if lock_site
        else ""
    )
    # The active bookings of those nurses, and the site's bookings in a room by other nurses:
    # two branches so each is answered from its exclusion constraint's GiST index (range and
    # nurse; range, site and room), whose predicate the status test repeats.
    active = (
        "k.status IN ('held', 'confirmed') "
        "AND (k.status = 'confirmed' OR k.expires_at > %(now)s) "
        "AND tstzrange(k.start, k.blocked_until) && tstzrange(%(since)s, %(until)s)"
    )
    return f"""
WITH {site_cte} r AS (
  SELECT ar.nurse_id, ar.start_time, ar.end_time, ar.remote
  FROM {rule} ar JOIN {nurse} n ON n.id = ar.nurse_id
  WHERE ar.site_id = %(site)s AND n.is_active AND ar.weekday = %(weekday)s
    AND ar.valid_from <= %(day)s AND (ar.valid_to IS NULL OR ar.valid_to >= %(day)s)
)
SELECT 'r', nurse_id, {null_ts}, {null_ts}, start_time, end_time, {null_d}, remote::integer,
       {null_i}, {null_i}, {null_x} FROM r
UNION ALL
SELECT 'c', {null_i}, {null_ts}, {null_ts}, {null_t}, {null_t}, {null_d}, {null_i}, {null_i},
       {null_i}, {null_x} FROM {closure} c
  WHERE c.municipality_id = %(municipality)s AND c.date_from <= %(day)s
    AND c.date_to >= %(day)s AND (c.site_id IS NULL OR c.site_id = %(site)s)
UNION ALL
SELECT 'o', t.nurse_id, t.start, t."end", {null_t}, {null_t}, t.weekly_until, {null_i}, {null_i},
       {null_i}, {null_x} FROM {off} t
  WHERE t.nurse_id IN (SELECT nurse_id FROM r) AND t.start < %(until)s
    AND (t."end" > %(since)s OR t.weekly_until >= %(day)s)
UNION ALL
SELECT 'b', bb.nurse_id, bb.start, bb."end", {null_t}, {null_t}, {null_d}, {null_i}, {null_i},
       {null_i}, {null_x} FROM {busy} bb
  WHERE bb.nurse_id IN (SELECT nurse_id FROM r) AND bb.start < %(until)s AND bb."end" > %(since)s
UNION ALL
SELECT 'k', k.nurse_id, k.start, k.blocked_until, {null_t}, {null_t}, {null_d}, k.room, k.site_id,
       k.id, {null_x} FROM {booking} k
  WHERE k.nurse_id IN (SELECT nurse_id FROM r) AND {active}
UNION ALL
SELECT 'k', k.nurse_id, k.start, k.blocked_until, {null_t}, {null_t}, {null_d}, k.room, k.site_id,
       k.id, {null_x} FROM {booking} k
  WHERE k.site_id = %(site)s AND k.room IS NOT NULL
    AND k.nurse_id NOT IN (SELECT nurse_id FROM r) AND {active}
{site_row}
"""  # noqa: S608 (table names from the models' metadata; every value is a parameter)


@dataclass(frozen=True)
class ForTheBooking:
    """What a booking reads besides the day, in the same statement (booking_reads_locked)."""

    contact_id: int | None  # the interview type's first active contact (None: none, not asked)
    line_user: str  # her LINE user id while she follows the account ("": none, not asked)
    sms_stopped: bool  # her number answered STOP
    # the pregnancy asked has an active booking for the contact (False: none, or not asked)
    already_booked: bool = False


def _load_postgresql(
    site: Site,
    day: dt.date,
    since: dt.datetime,
    until: dt.datetime,
    now: dt.datetime,
    exclude_booking_id: int | None,
    *,
    lock_site: bool = False,
    booking: dict[str, Any] | None = None,
) -> tuple[Site | None, DayRows, ForTheBooking | None]:
    params: dict[str, Any] = {
        "site": site.pk,
        "municipality": site.municipality_id,
        "weekday": day.weekday(),
        "day": day,
        "since": since,
        "until": until,
        "now": now,
    }
    if lock_site:
        params.update(booking or _NOTHING_ELSE)
    with prepared_cursor() as cursor:  # fixed text: prepared once per connection
        cursor.execute(_sql_locking_site() if lock_site else _SQL, params)
        rows = cursor.fetchall()
    rules: list[_Rule] = []
    closed = False
    time_off: list[tuple[int, dt.datetime, dt.datetime, dt.date | None]] = []
    busy: list[tuple[int, dt.datetime, dt.datetime]] = []
    bookings: list[_Booked] = []
    fresh: Site | None = None
    extra: ForTheBooking | None = None
    for kind, nurse_id, a, b, t1, t2, d, n, site_id, booking_id, site_json in rows:
        if kind == "r":
            rules.append((nurse_id, t1, t2, bool(n)))
        elif kind == "c":
            closed = True
        elif kind == "o":
            time_off.append((nurse_id, a, b, d))
        elif kind == "b":
            busy.append((nurse_id, a, b))
        elif kind == "s":
            fresh = _site_from_json(site_json, site)
        elif kind == "x":
            extra = ForTheBooking(nurse_id, site_json or "", bool(n), bool(site_id))
        else:
            bookings.append((booking_id, nurse_id, site_id, a, b, n))
    return (
        fresh,
        (rules, closed, _away(time_off, busy, since, until, site.municipality.tz), bookings),
        extra,
    )


_SQL = _sql(lock_site=False)
_NOTHING_ELSE = {
    "contact_type": None,
    "resident": None,
    "phone": None,
    "pregnancy": None,
    "contact": None,
}


@cache
def _sql_locking_site() -> str:
    return _sql(lock_site=True)


def _site_from_json(text: str, site: Site) -> Site:
    """The site's row as to_jsonb gave it, as a Site (each field's own parsing), with the
    caller's municipality (the same row: no query for it)."""
    values = json.loads(text)
    fresh = Site(**{f.attname: f.to_python(values[f.column]) for f in Site._meta.concrete_fields})
    fresh._state.adding = False
    fresh._state.db = site._state.db
    fresh.municipality = site.municipality
    return fresh


def site_and_day_locked(site: Site, day: dt.date, now: dt.datetime) -> tuple[Site | None, DayRows]:
    """PostgreSQL, inside the booking's transaction: the site as it is now, under its share
    lock (None when it is gone), and the day's rows for `slot_at`, in one round trip."""
    fresh, day_rows, _extra = booking_reads_locked(site, day, now, wait=True)
    return fresh, day_rows


def booking_reads_locked(
    site: Site,
    day: dt.date,
    now: dt.datetime,
    *,
    contact_of_type: int | None = None,
    resident_id: int | None = None,
    phone: str | None = None,
    pregnancy_id: int | None = None,
    contact_id: int | None = None,
    wait: bool = False,
) -> tuple[Site | None, DayRows, ForTheBooking]:
    """PostgreSQL, inside the booking's transaction, in ONE round trip: the site as it is now
    under its share lock (None when it is gone), the day's rows for `slot_at`, and what the
    booking needs besides: the first active contact of the interview type `contact_of_type`
    (None: not asked), her LINE user (`resident_id`) and her number's STOP (`phone`), and
    whether the pregnancy `pregnancy_id` already has an active booking for the contact
    `contact_id` (None: the type's, as read).

    The lock is not waited for: when a schedule edit holds the site, the statement fails with
    lock_not_available (see `lock_not_available`) and the caller, in a new transaction, asks
    again with `wait`: the lock is then taken first, waiting for the edit, and the day read
    after it, by a statement that sees what the edit committed."""
    if wait:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {Site._meta.db_table} WHERE id = %s FOR KEY SHARE",  # noqa: S608
                [site.pk],
            )
    since, until = _day_bounds(site, day)
    fresh, day_rows, extra = _load_postgresql(
        site,
        day,
        since,
        until,
        now,
        None,
        lock_site=True,
        booking={
            "contact_type": contact_of_type,
            "resident": resident_id,
            "phone": phone,
            "pregnancy": pregnancy_id,
            "contact": contact_id,
        },
    )
    assert extra is not None, "the statement always returns its x row"
    return fresh, day_rows, extra


def lock_not_available(exc: BaseException) -> bool:
    """Did PostgreSQL refuse a NOWAIT lock (SQLSTATE 55P03)?"""
    return getattr(exc.__cause__, "sqlstate", None) == "55P03"

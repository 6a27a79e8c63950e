"""Utilisation figures for managers: what was offered, booked, attended, and how it was booked.

Everything about bookings is aggregated in the database (GROUP BY site × status × channel ×
buckets, GROUP BY day): no Python loop ever runs over bookings, only over the groups, so a year of
a large city costs the same number of queries as a day of a small ward. Capacity offered is the
one figure the database cannot count, because it is not stored anywhere: it is expanded from the
weekly rules day by day in Python (rules × days, never bookings), with the same calendar logic the
booking engine uses.

Queries per municipality: sites, interview type, closures, rules, time off, busy blocks, booking
aggregates per site, per day, message failures, plus the availability engine's six for the next
free slot. Fixed, whatever the period or the number of bookings.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import TypedDict

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Message

from .availability import is_public_holiday, open_slots, site_is_open
from .models import (
    AvailabilityRule,
    Booking,
    BookingEvent,
    BusyBlock,
    InterviewType,
    Mode,
    Municipality,
    Site,
    SiteClosure,
    TimeOff,
)

# Bookings that took a slot: cancelled ones gave it back; holds and expired holds never had it.
BOOKED = (Booking.Status.CONFIRMED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW)
# (label, lower bound in days, upper bound in days or None): booking → interview.
LEAD_TIME_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0–2", 0, 3),
    ("3–6", 3, 7),
    ("7–13", 7, 14),
    ("14–27", 14, 28),
    ("28+", 28, None),
)
# (label, first week, last week or None): completed gestational weeks on the interview day.
GESTATION_BUCKETS: tuple[tuple[str, int | None, int | None], ...] = (
    ("–11", None, 11),
    ("12–15", 12, 15),
    ("16–19", 16, 19),
    ("20–27", 20, 27),
    ("28+", 28, None),
)
FULL_TERM_DAYS = 280


def _ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


@dataclass
class SiteFigures:
    """One site's figures for the period (or, with site_id None, the totals)."""

    site_id: int | None
    site_name: str
    offered_slots: int = 0
    offered_minutes: int = 0
    booked_slots: int = 0
    booked_minutes: int = 0
    attended_slots: int = 0
    attended_minutes: int = 0
    no_shows: int = 0
    cancelled: int = 0
    late_cancellations: int = 0
    online: int = 0
    staff: int = 0
    api: int = 0
    failed_messages: int = 0
    # Sums and counts, so totals can be averaged correctly across sites.
    lead_time_days_sum: float = 0.0
    lead_time_count: int = 0
    gestation_days_sum: float = 0.0
    gestation_count: int = 0
    next_free_slot: dt.datetime | None = None

    @property
    def utilisation(self) -> float | None:
        return _ratio(self.booked_slots, self.offered_slots)

    @property
    def attendance_rate(self) -> float | None:
        return _ratio(self.attended_slots, self.booked_slots)

    @property
    def no_show_rate(self) -> float | None:
        """No-shows among the interviews that were booked (not among those offered)."""
        return _ratio(self.no_shows, self.booked_slots)

    @property
    def late_cancellation_rate(self) -> float | None:
        """Cancellations after the deadline among all bookings made for the period."""
        return _ratio(self.late_cancellations, self.booked_slots + self.cancelled)

    @property
    def online_share(self) -> float | None:
        """The digital-adoption figure: booked by the resident herself (web or API)."""
        return _ratio(self.online + self.api, self.booked_slots)

    @property
    def staff_share(self) -> float | None:
        return _ratio(self.staff, self.booked_slots)

    @property
    def lead_time_days(self) -> float | None:
        if not self.lead_time_count:
            return None
        return self.lead_time_days_sum / self.lead_time_count

    @property
    def gestational_week(self) -> float | None:
        """Average completed weeks of pregnancy on the interview day."""
        if not self.gestation_count:
            return None
        return (FULL_TERM_DAYS - self.gestation_days_sum / self.gestation_count) / 7

    def add(self, other: SiteFigures) -> None:
        for f in fields(self):
            if f.name in ("site_id", "site_name", "next_free_slot"):
                continue
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class DayFigures:
    day: dt.date
    offered_slots: int = 0
    booked_slots: int = 0
    attended_slots: int = 0
    no_shows: int = 0


@dataclass
class UtilisationReport:
    date_from: dt.date
    date_to: dt.date
    rows: list[SiteFigures]
    totals: SiteFigures
    days: list[DayFigures]
    lead_time: dict[str, int] = field(default_factory=dict)
    gestation: dict[str, int] = field(default_factory=dict)
    generated_at: dt.datetime | None = None

    # --- CSV: one method per table the dashboard shows ------------------------------------

    def to_csv_rows(self) -> list[list[str]]:
        """The per-site table (and a total line), headers first."""
        header = [
            _("Site"),
            _("Slots offered"),
            _("Minutes offered"),
            _("Slots booked"),
            _("Minutes booked"),
            _("Attended"),
            _("Minutes attended"),
            _("No-shows"),
            _("Cancelled"),
            _("Late cancellations"),
            _("Utilisation %"),
            _("No-show %"),
            _("Late cancellation %"),
            _("Booked online"),
            _("Booked by staff"),
            _("Booked through the API"),
            _("Online share %"),
            _("Average lead time (days)"),
            _("Average gestational week"),
            _("Failed messages"),
            _("Next free slot"),
        ]
        return [header] + [_csv_row(r) for r in [*self.rows, self.totals]]

    def days_csv_rows(self) -> list[list[str]]:
        header = [_("Date"), _("Slots offered"), _("Slots booked"), _("Attended"), _("No-shows")]
        return [header] + [
            [
                d.day.isoformat(),
                str(d.offered_slots),
                str(d.booked_slots),
                str(d.attended_slots),
                str(d.no_shows),
            ]
            for d in self.days
        ]

    def lead_time_csv_rows(self) -> list[list[str]]:
        return [[_("Days from booking to interview"), _("Interviews")]] + [
            [label, str(n)] for label, n in self.lead_time.items()
        ]

    def gestation_csv_rows(self) -> list[list[str]]:
        return [[_("Gestational week at interview"), _("Interviews")]] + [
            [label, str(n)] for label, n in self.gestation.items()
        ]


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _csv_row(r: SiteFigures) -> list[str]:
    return [
        r.site_name,
        str(r.offered_slots),
        str(r.offered_minutes),
        str(r.booked_slots),
        str(r.booked_minutes),
        str(r.attended_slots),
        str(r.attended_minutes),
        str(r.no_shows),
        str(r.cancelled),
        str(r.late_cancellations),
        _pct(r.utilisation),
        _pct(r.no_show_rate),
        _pct(r.late_cancellation_rate),
        str(r.online),
        str(r.staff),
        str(r.api),
        _pct(r.online_share),
        _num(r.lead_time_days),
        _num(r.gestational_week),
        str(r.failed_messages),
        r.next_free_slot.isoformat(timespec="minutes") if r.next_free_slot else "",
    ]


# --- Date arithmetic in the database's own functions ---------------------------------------------
# Django's portable date arithmetic runs as Python functions inside SQLite, once per row and per
# use; over 30,000 bookings and a dozen buckets that alone took seconds. These use SQLite's
# native julianday()/date() and PostgreSQL's operators instead.


class DaysBetween(Func):
    """later − earlier, in (fractional) days."""

    output_field = FloatField()

    def _parts(self, compiler, connection):
        later, p1 = compiler.compile(self.source_expressions[0])
        earlier, p2 = compiler.compile(self.source_expressions[1])
        return later, earlier, (*p1, *p2)

    def as_sqlite(self, compiler, connection, **extra):
        later, earlier, params = self._parts(compiler, connection)
        return f"(julianday({later}) - julianday({earlier}))", params

    def as_sql(self, compiler, connection, **extra):
        later, earlier, params = self._parts(compiler, connection)
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)", params


class LocalDate(Func):
    """The local calendar date of a UTC timestamp (SQLite: a fixed offset for the period, which
    is exact for zones without daylight saving such as Asia/Tokyo)."""

    output_field = DateField()

    def __init__(self, expression: object, tz: dt.tzinfo, at: dt.datetime) -> None:
        super().__init__(expression)
        self.tz_name = str(tz)
        offset = at.astimezone(tz).utcoffset() or dt.timedelta(0)
        self.offset_minutes = int(offset.total_seconds() // 60)

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, %s)", (*params, f"{self.offset_minutes:+d} minutes")

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) AT TIME ZONE %s)::date", (*params, self.tz_name)


class DaysUntil(Func):
    """A date column minus another date expression, in whole days."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        later, p1 = compiler.compile(self.source_expressions[0])
        earlier, p2 = compiler.compile(self.source_expressions[1])
        return f"(julianday({later}) - julianday({earlier}))", (*p1, *p2)

    def as_sql(self, compiler, connection, **extra):
        later, p1 = compiler.compile(self.source_expressions[0])
        earlier, p2 = compiler.compile(self.source_expressions[1])
        return f"(({later}) - ({earlier}))::float", (*p1, *p2)


# --- Capacity offered (rules × days, in Python) -------------------------------------------------


def _day_range(date_from: dt.date, date_to: dt.date) -> Iterable[dt.date]:
    for i in range((date_to - date_from).days + 1):
        yield date_from + dt.timedelta(days=i)


def _rule_starts(
    rule: AvailabilityRule, site: Site, itype: InterviewType
) -> list[tuple[dt.time, dt.time]]:
    """(start, end) local times of the slots one rule yields on any day it applies."""
    result = []
    day = dt.date(2000, 1, 3)  # any date: only the times matter
    start = dt.datetime.combine(day, rule.start_time)
    rule_end = dt.datetime.combine(day, rule.end_time)
    step = dt.timedelta(minutes=itype.slot_step_minutes)
    while start + itype.duration <= rule_end:
        if site.last_start_time is not None and start.time() > site.last_start_time:
            break
        result.append((start.time(), (start + itype.duration).time()))
        start += step
    return result


def _away_by_nurse_day(
    nurse_ids: set[int],
    range_start: dt.datetime,
    range_end: dt.datetime,
    date_from: dt.date,
    tz: dt.tzinfo,
) -> dict[tuple[int, dt.date], list[tuple[dt.datetime, dt.datetime]]]:
    away: dict[tuple[int, dt.date], list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)

    def add(nurse_id: int, start: dt.datetime, end: dt.datetime) -> None:
        day = start.astimezone(tz).date()
        last = (end - dt.timedelta(microseconds=1)).astimezone(tz).date()
        while day <= last:
            away[(nurse_id, day)].append((start, end))
            day += dt.timedelta(days=1)

    week = dt.timedelta(days=7)
    for off in TimeOff.objects.filter(nurse_id__in=nurse_ids, start__lt=range_end).filter(
        Q(end__gt=range_start) | Q(weekly_until__gte=date_from)
    ):
        start, end = off.start, off.end
        while start < range_end:
            if end > range_start:
                add(off.nurse_id, start, end)
            if not off.weekly_until:
                break
            start, end = start + week, end + week
            if start.astimezone(tz).date() > off.weekly_until:
                break
    for nurse_id, start, end in BusyBlock.objects.filter(
        nurse_id__in=nurse_ids, start__lt=range_end, end__gt=range_start
    ).values_list("nurse_id", "start", "end"):
        add(nurse_id, start, end)
    return away


@dataclass
class _WeekdayRules:
    """A site's rules for one weekday over the period."""

    rules: list[AvailabilityRule]
    # True when no rule starts or ends inside the period: the same rules every such weekday,
    # so the daily validity filter (the loop's hottest line over a year) is skipped.
    fixed: bool
    ids: tuple[int, ...]

    @classmethod
    def over(
        cls, rules: list[AvailabilityRule], date_from: dt.date, date_to: dt.date
    ) -> _WeekdayRules:
        fixed = all(
            r.valid_from <= date_from and (r.valid_to is None or r.valid_to >= date_to)
            for r in rules
        )
        return cls(rules=rules, fixed=fixed, ids=tuple(r.pk for r in rules))

    def on(self, day: dt.date) -> tuple[list[AvailabilityRule], tuple[int, ...]]:
        """The rules that apply on `day`, and their ids (the per-day cache key)."""
        if self.fixed:
            return self.rules, self.ids
        rules = [
            r
            for r in self.rules
            if r.valid_from <= day and (r.valid_to is None or r.valid_to >= day)
        ]
        return rules, tuple(r.pk for r in rules)


def _capacity(
    sites: Sequence[Site],
    itype: InterviewType,
    date_from: dt.date,
    date_to: dt.date,
) -> tuple[dict[int, int], dict[dt.date, int]]:
    """Slots offered per site and per day: rules − closed days − time off − busy blocks, with
    at most as many in-person interviews at once as the site has rooms."""
    municipality = sites[0].municipality
    tz = municipality.tz
    range_start = dt.datetime.combine(date_from, dt.time(0), tzinfo=tz)
    range_end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    closures = list(
        SiteClosure.objects.filter(
            municipality=municipality, date_from__lte=date_to, date_to__gte=date_from
        )
    )
    rules = list(
        AvailabilityRule.objects.filter(
            site__in=sites, nurse__is_active=True, valid_from__lte=date_to
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=date_from))
        .order_by()  # the model's ordering joins nurse and municipality; counts need none
    )
    away = _away_by_nurse_day({r.nurse_id for r in rules}, range_start, range_end, date_from, tz)
    grouped: dict[tuple[int, int], list[AvailabilityRule]] = defaultdict(list)
    for rule in rules:
        grouped[(rule.site_id, rule.weekday)].append(rule)
    by_site_weekday = {
        key: _WeekdayRules.over(group, date_from, date_to) for key, group in grouped.items()
    }
    away_nurses_by_day: dict[dt.date, set[int]] = defaultdict(set)
    for nurse_id, day in away:
        away_nurses_by_day[day].add(nurse_id)
    days = list(_day_range(date_from, date_to))
    holidays = {day for day in days if is_public_holiday(municipality, day)}
    per_site: dict[int, int] = defaultdict(int)
    per_day: dict[dt.date, int] = defaultdict(int)
    starts_cache: dict[int, list[tuple[dt.time, dt.time]]] = {}
    # Most days are like the same weekday last week: same rules, nobody away. Their count is
    # computed once per (site, rules) and reused; only days with time off are counted afresh.
    day_cache: dict[tuple[int, tuple[int, ...]], int] = {}
    for site in sites:
        site_closures = [c for c in closures if c.site_id in (None, site.id)]
        uses_rooms = not site.modes or Mode.IN_PERSON in site.modes
        # Holidays are looked up once per day for all sites (above); site_is_open checks the
        # rest of the calendar.
        no_holiday_check = copy.copy(site)
        no_holiday_check.closed_on_public_holidays = False
        for day in days:
            weekday = by_site_weekday.get((site.id, day.weekday()))
            if weekday is None or (site.closed_on_public_holidays and day in holidays):
                continue
            day_rules, rule_ids = weekday.on(day)
            if not day_rules or not site_is_open(no_holiday_check, day, site_closures):
                continue
            away_today = away_nurses_by_day.get(day)
            anyone_away = away_today is not None and any(
                r.nurse_id in away_today for r in day_rules
            )
            key = (site.id, rule_ids)
            offered = None if anyone_away else day_cache.get(key)
            if offered is None:
                offered = _offered_on(
                    site, day, day_rules, itype, away, starts_cache, tz, uses_rooms
                )
                if not anyone_away:
                    day_cache[key] = offered
            per_site[site.id] += offered
            per_day[day] += offered
    return per_site, per_day


def _offered_on(
    site: Site,
    day: dt.date,
    day_rules: list[AvailabilityRule],
    itype: InterviewType,
    away: dict[tuple[int, dt.date], list[tuple[dt.datetime, dt.datetime]]],
    starts_cache: dict[int, list[tuple[dt.time, dt.time]]],
    tz: dt.tzinfo,
    uses_rooms: bool,
) -> int:
    per_start: Counter[dt.time] = Counter()
    for rule in day_rules:
        if rule.pk not in starts_cache:
            starts_cache[rule.pk] = _rule_starts(rule, site, itype)
        busy = away.get((rule.nurse_id, day))
        for start_t, end_t in starts_cache[rule.pk]:
            if busy:
                start = dt.datetime.combine(day, start_t, tzinfo=tz)
                end = dt.datetime.combine(day, end_t, tzinfo=tz)
                if any(s < end and e > start for s, e in busy):
                    continue
            per_start[start_t] += 1
    if uses_rooms:
        return sum(min(n, site.rooms) for n in per_start.values())
    return sum(per_start.values())


# --- Bookings (aggregated in the database) ------------------------------------------------------


@dataclass
class _BookingFigures:
    """What the bookings of a period add up to, per site and in total (see _booking_groups)."""

    per_site: dict[int, SiteFigures]
    lead_time: Counter[int]  # index into LEAD_TIME_BUCKETS -> interviews
    gestation: Counter[int]  # index into GESTATION_BUCKETS -> interviews


def _lead_bucket() -> Case:
    """The row's index into LEAD_TIME_BUCKETS, evaluated once per row; NULL without a
    confirmation time or below the first bucket (such rows still count in the average)."""
    whens = [
        When(
            Q(confirmed_at__isnull=True) | Q(lead_days__lt=LEAD_TIME_BUCKETS[0][1]),
            then=Value(None),
        )
    ]
    # Tested in order: each bucket starts where the one before ends (test_report_groups.py).
    whens += [
        When(lead_days__lt=high, then=Value(i))
        for i, (_label, _low, high) in enumerate(LEAD_TIME_BUCKETS)
        if high is not None
    ]
    return Case(*whens, default=Value(len(LEAD_TIME_BUCKETS) - 1), output_field=IntegerField())


def _week_bucket() -> Case:
    """The row's index into GESTATION_BUCKETS; NULL exactly when there is no due date."""
    whens = [When(pregnancy__due_date__isnull=True, then=Value(None))]
    # week <= w  ⇔  days to the due date > 280 - 7(w + 1)
    whens += [
        When(to_due__gt=FULL_TERM_DAYS - 7 * (last + 1), then=Value(i))
        for i, (_label, _first, last) in enumerate(GESTATION_BUCKETS)
        if last is not None
    ]
    return Case(*whens, default=Value(len(GESTATION_BUCKETS) - 1), output_field=IntegerField())


def _booking_groups(
    site_ids: list[int], range_start: dt.datetime, range_end: dt.datetime, tz: dt.tzinfo
) -> _BookingFigures:
    """Bookings grouped in the database by what the figures tell apart (site, status, channel,
    late or not, lead-time bucket, gestation bucket), then the few hundred groups added up here.

    One GROUP BY replaces a dozen conditional counts per row, each recomputing the date
    arithmetic (SQLite does not share subexpressions); the groups are bounded by sites ×
    statuses × channels × buckets, never by the number of bookings.
    """
    # Not a correlated EXISTS: PostgreSQL costs one per row, and past ~30,000 bookings that
    # estimate alone switches on JIT compilation (0.9 s, more than the query). An IN list of the
    # period's late cancellations is one hashed subplan there and one temporary index in SQLite.
    late_ids = BookingEvent.objects.filter(
        kind=BookingEvent.Kind.CANCELLED,
        data__late=True,
        booking__site_id__in=site_ids,
        booking__start__gte=range_start,
        booking__start__lt=range_end,
    ).values("booking_id")
    rows = (
        Booking.objects.filter(site_id__in=site_ids, start__gte=range_start, start__lt=range_end)
        .exclude(status__in=[Booking.Status.HELD, Booking.Status.EXPIRED])
        .annotate(
            lead_days=DaysBetween(F("start"), F("confirmed_at")),
            to_due=DaysUntil(F("pregnancy__due_date"), LocalDate(F("start"), tz, range_start)),
        )
        .annotate(
            is_late=Case(
                When(Q(status=Booking.Status.CANCELLED) & Q(pk__in=late_ids), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            lead_bucket=_lead_bucket(),
            week_bucket=_week_bucket(),
        )
        .values_list("site_id", "status", "channel", "is_late", "lead_bucket", "week_bucket")
        .annotate(
            n=Count("id"),
            minutes=Sum("interview_type__duration_minutes"),
            lead_n=Count("confirmed_at"),
            lead_sum=Sum("lead_days"),
            due_sum=Sum("to_due"),
        )
        .order_by()
    )
    figures = _BookingFigures(per_site={}, lead_time=Counter(), gestation=Counter())
    for (
        site_id,
        status,
        channel,
        is_late,
        lead_bucket,
        week_bucket,
        n,
        minutes,
        lead_n,
        lead_sum,
        due_sum,
    ) in rows:
        f = figures.per_site.setdefault(site_id, SiteFigures(site_id=site_id, site_name=""))
        if status == Booking.Status.CANCELLED:
            f.cancelled += n
            f.late_cancellations += n if is_late else 0
        if status not in BOOKED:
            continue
        f.booked_slots += n
        f.booked_minutes += minutes or 0
        if status == Booking.Status.ATTENDED:
            f.attended_slots += n
            f.attended_minutes += minutes or 0
        elif status == Booking.Status.NO_SHOW:
            f.no_shows += n
        if channel == Booking.Channel.ONLINE:
            f.online += n
        elif channel == Booking.Channel.STAFF:
            f.staff += n
        elif channel == Booking.Channel.API:
            f.api += n
        if lead_n:
            f.lead_time_count += lead_n
            f.lead_time_days_sum += float(lead_sum)
        if lead_bucket is not None:
            figures.lead_time[lead_bucket] += n
        if week_bucket is not None:  # NULL exactly when there is no due date
            f.gestation_count += n
            f.gestation_days_sum += float(due_sum)
            figures.gestation[week_bucket] += n
    return figures


class _DayCounts(TypedDict):
    """One day's booked interviews (the rows also carry their `day`)."""

    booked: int
    attended: int
    no_shows: int


def _bookings_per_day(
    site_ids: list[int], range_start: dt.datetime, range_end: dt.datetime, tz: dt.tzinfo
) -> dict[dt.date, _DayCounts]:
    return {
        _as_date(row["day"]): row
        for row in Booking.objects.filter(
            site_id__in=site_ids,
            start__gte=range_start,
            start__lt=range_end,
            status__in=BOOKED,
        )
        .annotate(day=LocalDate(F("start"), tz, range_start))
        .values("day")
        .annotate(
            booked=Count("id"),
            attended=Count("id", filter=Q(status=Booking.Status.ATTENDED)),
            no_shows=Count("id", filter=Q(status=Booking.Status.NO_SHOW)),
        )
        .order_by()
    }


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _failed_messages(
    site_ids: list[int], range_start: dt.datetime, range_end: dt.datetime
) -> dict[int, int]:
    return dict(
        Message.objects.filter(
            booking__site_id__in=site_ids,
            status=Message.Status.FAILED,
            send_at__gte=range_start,
            send_at__lt=range_end,
        )
        .values_list("booking__site_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def _next_free(
    municipality: Municipality, itype: InterviewType, site_ids: list[int], now: dt.datetime
) -> dict[int, dt.datetime]:
    """The first slot a resident could book online right now, per site (its first mode)."""
    today = now.astimezone(municipality.tz).date()
    found: dict[int, dt.datetime] = {}
    for mode in itype.modes or [Mode.IN_PERSON]:
        for slot in open_slots(
            municipality=municipality,
            interview_type=itype,
            date_from=today,
            date_to=today + dt.timedelta(days=itype.max_days_ahead),
            site_ids=site_ids,
            mode=mode,
            now=now,
            first_day_only=True,
        ):
            if slot.site_id not in found or slot.start < found[slot.site_id]:
                found[slot.site_id] = slot.start
    return found


def utilisation_report(
    *,
    site_ids: Iterable[int],
    date_from: dt.date,
    date_to: dt.date,
    now: dt.datetime | None = None,
    include_next_free: bool = True,
) -> UtilisationReport:
    """Figures for the sites over local dates date_from … date_to (both included).

    The caller decides which sites a person may see (scheduling.access.manager_site_ids); this
    function trusts the ids it is given. `include_next_free` adds "time to the next free slot",
    which describes now rather than the period (the dashboard skips it for the previous period).
    """
    now = now or timezone.now()
    if date_to < date_from:
        date_from, date_to = date_to, date_from
    sites = list(
        Site.objects.filter(id__in=list(site_ids))
        .select_related("municipality")
        .order_by("municipality_id", "ordering_key", "id")
    )
    by_municipality: dict[int, list[Site]] = defaultdict(list)
    for site in sites:
        by_municipality[site.municipality_id].append(site)
    itypes = {
        it.municipality_id: it
        for it in InterviewType.objects.filter(
            municipality_id__in=list(by_municipality), is_active=True
        ).order_by("-id")  # the first-created wins, as interview_type_default() picks it
    }
    rows: list[SiteFigures] = []
    days: dict[dt.date, DayFigures] = {d: DayFigures(day=d) for d in _day_range(date_from, date_to)}
    lead: Counter[str] = Counter()
    gestation: Counter[str] = Counter()
    for municipality_id, muni_sites in by_municipality.items():
        municipality = muni_sites[0].municipality
        itype = itypes.get(municipality_id)
        tz = municipality.tz
        ids = [s.id for s in muni_sites]
        range_start = dt.datetime.combine(date_from, dt.time(0), tzinfo=tz)
        range_end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
        offered, offered_days = (
            _capacity(muni_sites, itype, date_from, date_to) if itype else ({}, {})
        )
        booked = _booking_groups(ids, range_start, range_end, tz)
        per_day = _bookings_per_day(ids, range_start, range_end, tz)
        failed = _failed_messages(ids, range_start, range_end)
        next_free = _next_free(municipality, itype, ids, now) if itype and include_next_free else {}
        duration = itype.duration_minutes if itype else 0
        for site in muni_sites:
            row = booked.per_site.get(site.id) or SiteFigures(site_id=site.id, site_name="")
            row.site_name = site.name
            row.offered_slots = offered.get(site.id, 0)
            row.offered_minutes = row.offered_slots * duration
            row.failed_messages = failed.get(site.id, 0)
            row.next_free_slot = next_free.get(site.id)
            rows.append(row)
        for i, (label, *_bounds) in enumerate(LEAD_TIME_BUCKETS):
            lead[label] += booked.lead_time[i]
        for i, (label, *_bounds) in enumerate(GESTATION_BUCKETS):
            gestation[label] += booked.gestation[i]
        for day, n in offered_days.items():
            days[day].offered_slots += n
        for day, agg_day in per_day.items():
            if day in days:
                days[day].booked_slots += agg_day["booked"]
                days[day].attended_slots += agg_day["attended"]
                days[day].no_shows += agg_day["no_shows"]
    totals = SiteFigures(site_id=None, site_name=_("All sites"))
    for row in rows:
        totals.add(row)
    frees = [r.next_free_slot for r in rows if r.next_free_slot]
    totals.next_free_slot = min(frees) if frees else None
    return UtilisationReport(
        date_from=date_from,
        date_to=date_to,
        rows=rows,
        totals=totals,
        days=list(days.values()),
        lead_time={label: lead[label] for label, *_b in LEAD_TIME_BUCKETS},
        gestation={label: gestation[label] for label, *_b in GESTATION_BUCKETS},
        generated_at=now,
    )

"""Capacity offered: the one figure the database cannot count, because it is not stored
anywhere. It is expanded from the weekly rules day by day in Python (rules × days, never
bookings), with the booking engine's own calendar functions (availability/calendar_rules.py):
the same slot times, the same time off and busy blocks, the same open days.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q

from ..availability import (
    Interval,
    away_by_nurse_day,
    busy_blocks_between,
    is_public_holiday,
    open_slots,
    rule_slot_times,
    site_is_open,
    time_off_between,
)
from ..models import AvailabilityRule, InterviewType, Mode, Municipality, Site, SiteClosure


def day_range(date_from: dt.date, date_to: dt.date) -> Iterable[dt.date]:
    for i in range((date_to - date_from).days + 1):
        yield date_from + dt.timedelta(days=i)


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


def capacity(
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
    nurse_ids = {r.nurse_id for r in rules}
    away = away_by_nurse_day(
        time_off_between(nurse_ids, range_start, range_end, date_from),
        busy_blocks_between(nurse_ids, range_start, range_end),
        since=range_start,
        until=range_end,
        tz=tz,
    )
    grouped: dict[tuple[int, int], list[AvailabilityRule]] = defaultdict(list)
    for rule in rules:
        grouped[(rule.site_id, rule.weekday)].append(rule)
    by_site_weekday = {
        key: _WeekdayRules.over(group, date_from, date_to) for key, group in grouped.items()
    }
    away_nurses_by_day: dict[dt.date, set[int]] = defaultdict(set)
    for nurse_id, day in away:
        away_nurses_by_day[day].add(nurse_id)
    days = list(day_range(date_from, date_to))
    holidays = {day for day in days if is_public_holiday(municipality, day)}
    per_site: dict[int, int] = defaultdict(int)
    per_day: dict[dt.date, int] = defaultdict(int)
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
                offered = _offered_on(site, day, day_rules, itype, away, tz, uses_rooms)
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
    away: dict[tuple[int, dt.date], list[Interval]],
    tz: dt.tzinfo,
    uses_rooms: bool,
) -> int:
    # Each nurse once per start, as the engine offers her: two overlapping rules of hers at one
    # site (the admin does not refuse them) are still one person.
    nurses_at: dict[dt.time, set[int]] = defaultdict(set)
    step = dt.timedelta(minutes=itype.slot_step_minutes)
    for rule in day_rules:
        busy = away.get((rule.nurse_id, day))
        times = rule_slot_times(
            rule.start_time, rule.end_time, itype.duration, step, site.last_start_time
        )
        for start_t, end_t in times:
            if busy:
                start = dt.datetime.combine(day, start_t, tzinfo=tz)
                end = dt.datetime.combine(day, end_t, tzinfo=tz)
                if any(s < end and e > start for s, e in busy):
                    continue
            nurses_at[start_t].add(rule.nurse_id)
    if uses_rooms:
        return sum(min(len(n), site.rooms) for n in nurses_at.values())
    return sum(len(n) for n in nurses_at.values())


def next_free(
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

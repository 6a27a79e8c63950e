"""Utilisation figures for managers: what was offered, booked, attended, and how it was booked.

Everything about bookings is aggregated in the database (GROUP BY site × status × channel ×
buckets, GROUP BY day): no Python loop ever runs over bookings, only over the groups, so a year of
a large city costs the same number of queries as a day of a small ward. Capacity offered is the
one figure the database cannot count, because it is not stored anywhere: it is expanded from the
weekly rules day by day in Python (rules × days, never bookings), with the same calendar logic the
booking engine uses.

Queries per municipality: sites, interview type, closures, rules, time off, busy blocks, booking
aggregates per site, per day, message failures, plus the availability engine's three for the next
free slot. Fixed, whatever the period or the number of bookings.

The parts: figures.py (what a report holds), capacity.py (slots offered, the next free slot),
bookings.py (the booking aggregates), sql.py (date arithmetic in SQL), csv_rows.py (the tables
as CSV rows); utilisation_report, here, puts them together.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import InterviewType, Site
from .bookings import booking_groups, bookings_per_day, failed_messages
from .capacity import capacity, day_range, next_free
from .figures import (
    BOOKED,
    GESTATION_BUCKETS,
    LEAD_TIME_BUCKETS,
    DayFigures,
    SiteFigures,
    UtilisationReport,
)

__all__ = [
    "BOOKED",
    "GESTATION_BUCKETS",
    "LEAD_TIME_BUCKETS",
    "DayFigures",
    "SiteFigures",
    "UtilisationReport",
    "utilisation_report",
]


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
    days: dict[dt.date, DayFigures] = {d: DayFigures(day=d) for d in day_range(date_from, date_to)}
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
            capacity(muni_sites, itype, date_from, date_to) if itype else ({}, {})
        )
        booked = booking_groups(ids, range_start, range_end, tz)
        per_day = bookings_per_day(ids, range_start, range_end, tz)
        failed = failed_messages(ids, range_start, range_end)
        next_free_at = (
            next_free(municipality, itype, ids, now) if itype and include_next_free else {}
        )
        duration = itype.duration_minutes if itype else 0
        for site in muni_sites:
            row = booked.per_site.get(site.id) or SiteFigures(site_id=site.id, site_name="")
            row.site_name = site.name
            row.offered_slots = offered.get(site.id, 0)
            row.offered_minutes = row.offered_slots * duration
            row.failed_messages = failed.get(site.id, 0)
            row.next_free_slot = next_free_at.get(site.id)
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

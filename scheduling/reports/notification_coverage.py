"""Coverage of pregnancy notifications (面談実施率, issue 16 item 5): of the pregnancies notified in
a month (and district), how many had their interview, how soon, and how many are still unreached
four weeks on. The programme is judged on these figures.

Definitions (the page says the same):
- *notified*: pregnancy notifications imported (file or API) with their date in the month;
- *interviewed*: the pregnancy has an attended booking, or its contact at the notification was
  recorded done (a home visit or an interview outside Yurikago); the interview date is the
  earliest of those (a booking's local date, a record's done date);
- *days to interview*: interview date − notification date, 0 when the interview came first;
  median and 90th percentile (nearest rank) over the interviewed;
- *unreached after 4 weeks*: notified at least 28 days before today, not interviewed, no booking
  held, confirmed or attended, and no call-back attempt that reached her (booked, will book,
  declined).

Per site: the site of her first attended booking, else of her latest live one; "None" when she
has no booking (the notified-and-unreached are there: by site, their share shows where a
notification did not lead to a booking at all).

Four queries whatever the period: notifications, her held, confirmed and attended bookings (with
their sites), done records, reaching attempts; Python then groups a few thousand rows per year,
never a query per row. The pregnancies' ids go as one array parameter (bulk_rows.any_of): an
`IN` list of 10,000 placeholders cost the driver more than the queries cost the server.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Min
from django.utils.translation import gettext as _

from ..bulk_rows import any_of
from ..contact_models import Contact, PregnancyContact
from ..followup_models import FollowUpAttempt
from ..models import Booking, PregnancyNotification

UNREACHED_AFTER = dt.timedelta(days=28)
REACHED = (
    FollowUpAttempt.Outcome.BOOKED,
    FollowUpAttempt.Outcome.WILL_BOOK,
    FollowUpAttempt.Outcome.DECLINED,
)
ALL = ""
SITE, DISTRICT = "site", "district"


@dataclass
class CoverageRow:
    month: dt.date  # the first of the month
    district: str  # the group (a district or a site); ALL for the month's total
    notified: int = 0
    interviewed: int = 0
    unreached: int = 0
    days: list[int] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return self.interviewed / self.notified if self.notified else None

    @property
    def rate_pct(self) -> float | None:
        return None if self.rate is None else round(self.rate * 100, 1)

    @property
    def median_days(self) -> float | None:
        return float(statistics.median(self.days)) if self.days else None

    @property
    def p90_days(self) -> int | None:
        if not self.days:
            return None
        ordered = sorted(self.days)
        return ordered[math.ceil(0.9 * len(ordered)) - 1]


@dataclass
class CoverageReport:
    month_from: dt.date
    month_to: dt.date
    group_by: str  # "", SITE or DISTRICT
    rows: list[CoverageRow]

    @property
    def by_district(self) -> bool:
        return self.group_by == DISTRICT

    def csv_rows(self) -> list[list[object]]:
        header: list[object] = [
            _("Month of notification"),
            _("Site") if self.group_by == SITE else _("District"),
            _("Notified"),
            _("Interviewed"),
            _("Interview rate %"),
            _("Median days to interview"),
            _("90th percentile days to interview"),
            _("Unreached after 4 weeks"),
        ]
        body: list[list[object]] = [
            [
                row.month.strftime("%Y-%m"),
                row.district or _("All"),
                row.notified,
                row.interviewed,
                "" if row.rate_pct is None else row.rate_pct,
                "" if row.median_days is None else row.median_days,
                "" if row.p90_days is None else row.p90_days,
                row.unreached,
            ]
            for row in self.rows
        ]
        return [header, *body]


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _bookings(
    pregnancy_ids: list[int], now: dt.datetime, tz: dt.tzinfo
) -> tuple[dict[int, dt.date], set[int], dict[int, str]]:
    """From one query of her held, confirmed and attended bookings: the day of her first
    attended one, who has one that is live (a hold not yet expired, confirmed or attended), and
    her site (of the first attended booking, else of the latest live one)."""
    attended: dict[int, tuple[dt.datetime, str]] = {}
    live: set[int] = set()
    latest: dict[int, tuple[dt.datetime, str]] = {}
    for pid, status, start, expires_at, site in Booking.objects.filter(
        any_of("pregnancy_id", pregnancy_ids),
        status__in=[Booking.Status.HELD, Booking.Status.CONFIRMED, Booking.Status.ATTENDED],
    ).values_list("pregnancy_id", "status", "start", "expires_at", "site__name"):
        if status == Booking.Status.HELD and expires_at is not None and expires_at <= now:
            continue
        live.add(pid)
        if status == Booking.Status.ATTENDED and (pid not in attended or start < attended[pid][0]):
            attended[pid] = (start, site)
        if pid not in latest or start > latest[pid][0]:
            latest[pid] = (start, site)
    sites = {pid: site for pid, (_start, site) in latest.items()}
    sites.update({pid: site for pid, (_start, site) in attended.items()})
    days = {pid: start.astimezone(tz).date() for pid, (start, _site) in attended.items()}
    return days, live, sites


def _done_records(pregnancy_ids: list[int]) -> dict[int, dt.date]:
    """Her contact at the notification recorded done (a home visit, an interview outside
    Yurikago): the earliest day."""
    return {
        entry["pregnancy_id"]: entry["first"]
        for entry in PregnancyContact.objects.filter(
            any_of("pregnancy_id", pregnancy_ids),
            status=PregnancyContact.Status.DONE,
            contact__due_basis=Contact.DueBasis.NOTIFICATION,
            done_on__isnull=False,
        )
        .values("pregnancy_id")
        .annotate(first=Min("done_on"))
    }


def _reached(pregnancy_ids: list[int]) -> set[int]:
    return set(
        FollowUpAttempt.objects.filter(
            any_of("task__pregnancy_id", pregnancy_ids), outcome__in=REACHED
        ).values_list("task__pregnancy_id", flat=True)
    )


def notification_coverage(
    *,
    municipality_ids: Iterable[int],
    month_from: dt.date,
    month_to: dt.date,
    today: dt.date,
    now: dt.datetime,
    tz: dt.tzinfo,
    by_district: bool = False,
    group_by: str = "",
) -> CoverageReport:
    """Per month of notification (and district or site: group_by DISTRICT or SITE; by_district
    is the older spelling of DISTRICT), oldest month first, each month's total first."""
    first, end = _month(month_from), _next_month(month_to)
    notifications = list(
        PregnancyNotification.objects.filter(
            municipality_id__in=list(municipality_ids),
            notified_on__gte=first,
            notified_on__lt=end,
        ).values_list("pregnancy_id", "notified_on", "district")
    )
    ids = [pregnancy_id for pregnancy_id, _day, _district in notifications]
    interviewed, live, sites = _bookings(ids, now, tz)
    for pid, day in _done_records(ids).items():
        interviewed[pid] = min(interviewed.get(pid, day), day)
    reached = live | _reached(ids)
    if by_district:
        group_by = DISTRICT
    rows: dict[tuple[dt.date, str], CoverageRow] = {}
    for pregnancy_id, notified_on, district in notifications:
        groups = [ALL]
        if group_by == DISTRICT:
            groups.append(district or _("None"))
        elif group_by == SITE:
            groups.append(sites.get(pregnancy_id) or _("None"))
        for group in groups:
            key = (_month(notified_on), group)
            row = rows.setdefault(key, CoverageRow(month=key[0], district=group))
            row.notified += 1
            interview = interviewed.get(pregnancy_id)
            if interview is not None:
                row.interviewed += 1
                row.days.append(max((interview - notified_on).days, 0))
            elif notified_on <= today - UNREACHED_AFTER and pregnancy_id not in reached:
                row.unreached += 1
    ordered = sorted(rows.values(), key=lambda r: (r.month, r.district != ALL, r.district))
    return CoverageReport(
        month_from=first, month_to=_month(month_to), group_by=group_by, rows=ordered
    )

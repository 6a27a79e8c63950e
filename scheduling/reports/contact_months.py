"""Coverage per contact and month (issue 16, "coverage on the dashboard"): for each contact of the
programme, per month in which it fell due (and per site or district if asked), how many
pregnancies were eligible, how many had it (the interview rate), the median and 90th percentile
days from falling due to it; and, for a contact with a questionnaire, how many answered it (the
questionnaire response rate).

Definitions (the coverage page says the same):
- *eligible*, *fell due*: as the dashboard's contacts section (scheduling.reports.contacts): the
  first day of the contact's window (the notification, week N from the due date, days after the
  birth) is in the month, unless the contact was recorded "not needed" or a miscarriage or
  stillbirth ended the journey before it fell due;
- *had it*: the contact was recorded done, or she attended a booking made for it (staff often
  mark attendance and record nothing more); its day is the earlier of the two;
- *days*: that day − the day it fell due, 0 when earlier; median, and 90th percentile by nearest
  rank;
- *answered*: her questionnaire response for the contact was submitted; *started*: saved as a
  draft and not sent; the rate is answered / eligible;
- *group*: the site of the booking made for the contact (attended first, else the latest), or
  the pregnancy's district (from its notification); "" (shown as "None") when there is neither.

Seven queries whatever the period and size (contacts with whether they have a questionnaire,
candidate pregnancies, their contact records, their bookings for contacts, site names,
districts, questionnaire responses); Python then walks pregnancies × contacts. The pregnancies'
ids go as one array parameter (bulk_rows.any_of), not an IN list of thousands of placeholders.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from ..bulk_rows import any_of
from ..contact_models import Contact, PregnancyContact
from ..contacts import contact_window, journey_closed
from ..models import Booking, Pregnancy, PregnancyNotification, Site
from ..questionnaire_models import Questionnaire, QuestionnaireResponse
from .contacts import LOOKBACK

SITE, DISTRICT = "site", "district"
ALL = "\x00all"  # a group no site or district is called: the month's total


def _nearest_rank(values: list[int], share: float) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(share * len(ordered)) - 1]


def _pct(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


@dataclass
class ContactMonth:
    contact: Contact
    month: dt.date  # the first of the month it fell due
    group: str  # ALL for the contact's month total
    eligible: int = 0
    done: int = 0
    days: list[int] = field(default_factory=list)
    answered: int = 0
    started: int = 0

    @property
    def is_total(self) -> bool:
        return self.group == ALL

    @property
    def done_pct(self) -> float | None:
        return _pct(self.done, self.eligible)

    @property
    def answered_pct(self) -> float | None:
        return _pct(self.answered, self.eligible)

    @property
    def median_days(self) -> float | None:
        return float(statistics.median(self.days)) if self.days else None

    @property
    def p90_days(self) -> int | None:
        return _nearest_rank(self.days, 0.9)


@dataclass
class ContactMonthReport:
    month_from: dt.date
    month_to: dt.date
    group_by: str
    contacts: list[Contact]
    with_questionnaire: set[int]  # contact ids
    rows: list[ContactMonth]  # contact order, month, its total first, then its groups

    @property
    def questionnaire_rows(self) -> list[ContactMonth]:
        return [r for r in self.rows if r.contact.pk in self.with_questionnaire]

    def _group_header(self) -> str:
        return _("Site") if self.group_by == SITE else _("District")

    def _group(self, row: ContactMonth) -> str:
        return _("All") if row.is_total else (row.group or _("None"))

    def csv_rows(self) -> list[list[object]]:
        header: list[object] = [
            _("Contact"),
            _("Month it fell due"),
            self._group_header(),
            _("Eligible"),
            _("Done"),
            _("Done %"),
            _("Median days from due to done"),
            _("90th percentile days from due to done"),
        ]
        body: list[list[object]] = [
            [
                row.contact.name,
                row.month.strftime("%Y-%m"),
                self._group(row),
                row.eligible,
                row.done,
                _blank(row.done_pct),
                _blank(row.median_days),
                _blank(row.p90_days),
            ]
            for row in self.rows
        ]
        return [header, *body]

    def questionnaire_csv_rows(self) -> list[list[object]]:
        header: list[object] = [
            _("Contact"),
            _("Month it fell due"),
            self._group_header(),
            _("Eligible"),
            _("Answered"),
            _("Started, not sent"),
            _("Response rate %"),
        ]
        body: list[list[object]] = [
            [
                row.contact.name,
                row.month.strftime("%Y-%m"),
                self._group(row),
                row.eligible,
                row.answered,
                row.started,
                _blank(row.answered_pct),
            ]
            for row in self.questionnaire_rows
        ]
        return [header, *body]


def _blank(value: object) -> object:
    return "" if value is None else value


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class _Pregnancy:
    """What contact_window and journey_closed read of a pregnancy, without a model instance
    per row (10,000 of those were half this report's time)."""

    pk: int
    municipality_id: int
    due_date: dt.date | None
    notified_on: dt.date | None
    created_at: dt.datetime
    outcome: str
    ended_on: dt.date | None


def _candidates(ids: list[int], first: dt.date, last: dt.date) -> list[_Pregnancy]:
    """The pregnancies a contact can fall due for in first … last (as reports.contacts)."""
    early, late = first - LOOKBACK, last + LOOKBACK
    return [
        _Pregnancy(*values)
        for values in Pregnancy.objects.filter(resident__municipality_id__in=ids)
        .filter(
            Q(due_date__range=(early, late))
            | Q(notified_on__range=(early, last))
            | Q(notified_on__isnull=True, created_at__date__range=(early, last))
            | Q(ended_on__range=(early, last))
        )
        .values_list(
            "id",
            "resident__municipality_id",
            "due_date",
            "notified_on",
            "created_at",
            "outcome",
            "ended_on",
        )
    ]


def _bookings(
    pregnancy_ids: list[int], tz: dt.tzinfo
) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], dt.date]]:
    """(pregnancy, contact) → the site of its attended booking, else of its latest; and the day
    of its first attended booking. One query."""
    rank = {Booking.Status.ATTENDED.value: 2, Booking.Status.CONFIRMED.value: 1}
    best: dict[tuple[int, int], tuple[int, dt.datetime, int]] = {}
    attended: dict[tuple[int, int], dt.date] = {}
    for pid, cid, site_id, status, start in (
        Booking.objects.filter(any_of("pregnancy_id", pregnancy_ids), contact__isnull=False)
        .exclude(status__in=[Booking.Status.HELD, Booking.Status.EXPIRED])
        .values_list("pregnancy_id", "contact_id", "site_id", "status", "start")
    ):
        key = (pid, cid)
        candidate = (rank.get(status, 0), start, site_id)
        if key not in best or candidate > best[key]:
            best[key] = candidate
        if status == Booking.Status.ATTENDED:
            day = start.astimezone(tz).date()
            attended[key] = min(attended.get(key, day), day)
    return {k: v[2] for k, v in best.items()}, attended


def contact_months(
    *,
    municipality_ids: Iterable[int],
    month_from: dt.date,
    month_to: dt.date,
    tz: dt.tzinfo,
    group_by: str = "",
) -> ContactMonthReport:
    """Per active contact of these municipalities and month it fell due in month_from …
    month_to (and per site or district when group_by is SITE or DISTRICT)."""
    ids = list(municipality_ids)
    first, last = _month(month_from), _month_end(month_to)
    contacts: list[Contact] = list(
        Contact.objects.filter(municipality_id__in=ids, is_active=True)
        .annotate(has_questionnaire=Exists(Questionnaire.objects.filter(contact_id=OuterRef("pk"))))
        .order_by("municipality_id", "ordering_key", "id")
    )
    pregnancies = _candidates(ids, first, last)
    pids = [p.pk for p in pregnancies]
    records = {
        (r.pregnancy_id, r.contact_id): r
        for r in PregnancyContact.objects.filter(any_of("pregnancy_id", pids)).only(
            "pregnancy_id", "contact_id", "status", "done_on"
        )
    }
    sites, attended = _bookings(pids, tz)
    site_names = dict(Site.objects.filter(municipality_id__in=ids).values_list("id", "name"))
    districts = (
        dict(
            PregnancyNotification.objects.filter(any_of("pregnancy_id", pids)).values_list(
                "pregnancy_id", "district"
            )
        )
        if group_by == DISTRICT
        else {}
    )
    responses = {
        (pid, cid): status
        for pid, cid, status in QuestionnaireResponse.objects.filter(
            any_of("pregnancy_id", pids)
        ).values_list("pregnancy_id", "questionnaire__contact_id", "status")
    }
    cells: dict[tuple[int, dt.date, str], ContactMonth] = {}
    for contact in contacts:
        for pregnancy in pregnancies:
            if pregnancy.municipality_id != contact.municipality_id:
                continue
            window = contact_window(contact, cast(Pregnancy, pregnancy))
            due = window.start
            if due is None or not first <= due <= last:
                continue
            key = (pregnancy.pk, contact.pk)
            record = records.get(key)
            if record is not None and record.status == PregnancyContact.Status.NOT_NEEDED:
                continue
            if (
                journey_closed(cast(Pregnancy, pregnancy))
                and pregnancy.ended_on
                and pregnancy.ended_on < due
            ):
                continue
            groups = [ALL]
            if group_by == SITE:
                groups.append(site_names.get(sites.get(key, 0), ""))
            elif group_by == DISTRICT:
                groups.append(districts.get(pregnancy.pk, ""))
            recorded = record is not None and record.status == PregnancyContact.Status.DONE
            done = recorded or key in attended
            done_days = [attended[key]] if key in attended else []
            if recorded and record is not None and record.done_on is not None:
                done_days.append(record.done_on)
            response = responses.get(key)
            for group in groups:
                cell = cells.setdefault(
                    (contact.pk, _month(due), group),
                    ContactMonth(contact=contact, month=_month(due), group=group),
                )
                cell.eligible += 1
                if done:
                    cell.done += 1
                if done_days:
                    cell.days.append(max(0, (min(done_days) - due).days))
                if response == QuestionnaireResponse.Status.SUBMITTED:
                    cell.answered += 1
                elif response == QuestionnaireResponse.Status.DRAFT:
                    cell.started += 1
    order = {c.pk: n for n, c in enumerate(contacts)}
    rows = sorted(
        cells.values(), key=lambda r: (order[r.contact.pk], r.month, not r.is_total, r.group)
    )
    return ContactMonthReport(
        month_from=first,
        month_to=_month(month_to),
        group_by=group_by,
        contacts=contacts,
        with_questionnaire={c.pk for c in contacts if getattr(c, "has_questionnaire", False)},
        rows=rows,
    )

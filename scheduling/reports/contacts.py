"""Coverage of the programme's contacts (issue 15): per contact, and per site or district, how
many pregnancies were eligible, how many had it done, how many within its window, and the median
days from falling due to done.

Definitions (the dashboard's help text says the same):
- a pregnancy is *eligible* for a contact in a period when the contact falls due in it (the first
  day of its window is inside the period: the notification, week N from the due date, or days
  after the birth), unless the contact was recorded "not needed" or a miscarriage or stillbirth
  ended the journey before it fell due;
- *done*: recorded done (any date); *done within its window*: on or after it fell due and on or
  before the window's last day (no last day: any day from then);
- *days to done*: done date − the day it fell due, 0 when done earlier (a contact done ahead of
  its window waited no days); the median over the done ones;
- the *group* is the site of the booking made for that contact (done or latest), or the
  pregnancy's district (from its pregnancy notification); "none" when there is neither.

Loaded in five queries whatever the period: contacts, pregnancies that can fall due in the period,
their records, their bookings for contacts, and their districts. Python then walks pregnancies ×
contacts (a year of a large ward is a few thousand pregnancies), never a query per row.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from ..contact_models import Contact, PregnancyContact
from ..contacts import contact_window, journey_closed
from ..models import Booking, Pregnancy, Site

SITE, DISTRICT = "site", "district"
NONE_GROUP = ""
# The furthest a contact's first day lies from what we filter pregnancies on: 40 weeks before the
# due date, a year after a birth or a notification (no programme contact lies further out).
LOOKBACK = dt.timedelta(days=400)


@dataclass
class ContactFigures:
    contact: Contact
    group: str
    eligible: int = 0
    done: int = 0
    done_in_window: int = 0
    days_to_done: list[int] = field(default_factory=list)

    @property
    def median_days(self) -> float | None:
        return float(statistics.median(self.days_to_done)) if self.days_to_done else None

    @property
    def done_share(self) -> float | None:
        return self.done / self.eligible if self.eligible else None

    @property
    def in_window_share(self) -> float | None:
        return self.done_in_window / self.eligible if self.eligible else None


@dataclass
class ContactReport:
    date_from: dt.date
    date_to: dt.date
    group_by: str
    contacts: list[Contact]
    # per contact: its groups in name order, then its total
    rows: list[ContactFigures]
    totals: list[ContactFigures]

    def csv_rows(self) -> list[list[object]]:
        header: list[object] = [
            _("Contact"),
            _("Site") if self.group_by == SITE else _("District"),
            _("Eligible"),
            _("Done"),
            _("Done within its window"),
            _("Done %"),
            _("Within its window %"),
            _("Median days from due to done"),
        ]
        body = []
        for row in sorted(self.rows + self.totals, key=self._order):
            body.append(
                [
                    row.contact.name,
                    row.group or _("None"),
                    row.eligible,
                    row.done,
                    row.done_in_window,
                    _pct(row.done_share),
                    _pct(row.in_window_share),
                    "" if row.median_days is None else f"{row.median_days:.1f}",
                ]
            )
        return [header, *body]

    def _order(self, row: ContactFigures) -> tuple[int, int, int, str]:
        is_total = row in self.totals
        return (row.contact.ordering_key, row.contact.pk, int(is_total), row.group)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _candidates(
    municipality_ids: list[int], date_from: dt.date, date_to: dt.date
) -> list[Pregnancy]:
    early = date_from - LOOKBACK
    late = date_to + LOOKBACK
    return list(
        Pregnancy.objects.filter(resident__municipality_id__in=municipality_ids)
        .filter(
            Q(due_date__range=(early, late))
            | Q(notified_on__range=(early, date_to))
            | Q(notified_on__isnull=True, created_at__date__range=(early, date_to))
            | Q(ended_on__range=(early, date_to))
        )
        .select_related("resident")
        .only(
            "id",
            "due_date",
            "notified_on",
            "created_at",
            "outcome",
            "ended_on",
            "resident__municipality_id",
        )
    )


def _booking_sites(pregnancy_ids: list[int]) -> dict[tuple[int, int], int]:
    """(pregnancy, contact) → the site of its attended booking, else of its latest one."""
    rank: dict[str, int] = {Booking.Status.ATTENDED.value: 2, Booking.Status.CONFIRMED.value: 1}
    best: dict[tuple[int, int], tuple[int, dt.datetime, int]] = {}
    for pid, cid, site_id, status, start in (
        Booking.objects.filter(pregnancy_id__in=pregnancy_ids, contact__isnull=False)
        .exclude(status__in=[Booking.Status.HELD, Booking.Status.EXPIRED])
        .values_list("pregnancy_id", "contact_id", "site_id", "status", "start")
    ):
        key = (rank.get(status, 0), start, site_id)
        if (pid, cid) not in best or key > best[(pid, cid)]:
            best[(pid, cid)] = key
    return {k: v[2] for k, v in best.items()}


def _districts(pregnancy_ids: list[int]) -> dict[int, str]:
    from ..notification_models import PregnancyNotification

    return dict(
        PregnancyNotification.objects.filter(pregnancy_id__in=pregnancy_ids).values_list(
            "pregnancy_id", "district"
        )
    )


def contact_report(
    *,
    municipality_ids: Iterable[int],
    date_from: dt.date,
    date_to: dt.date,
    group_by: str = SITE,
    site_ids: Iterable[int] | None = None,
) -> ContactReport:
    """Figures for the contacts of these municipalities falling due in date_from … date_to.

    `site_ids`: only these sites' groups (a site manager); None: every group, the pregnancies
    with no booking or district included (an administrator). The caller decides what she may
    see (scheduling.access); this function trusts what it is given.
    """
    ids = list(municipality_ids)
    contacts = list(
        Contact.objects.filter(municipality_id__in=ids, is_active=True).order_by(
            "municipality_id", "ordering_key", "id"
        )
    )
    pregnancies = _candidates(ids, date_from, date_to)
    pids = [p.pk for p in pregnancies]
    records = {
        (r.pregnancy_id, r.contact_id): r
        for r in PregnancyContact.objects.filter(pregnancy_id__in=pids).only(
            "pregnancy_id", "contact_id", "status", "done_on"
        )
    }
    sites = _booking_sites(pids)
    site_names = dict(Site.objects.filter(municipality_id__in=ids).values_list("id", "name"))
    districts = _districts(pids) if group_by == DISTRICT else {}
    allowed = None if site_ids is None else set(site_ids)
    cells: dict[tuple[int, str], ContactFigures] = {}
    for contact in contacts:
        for pregnancy in pregnancies:
            if pregnancy.resident.municipality_id != contact.municipality_id:
                continue
            key = (pregnancy.pk, contact.pk)
            site_id = sites.get(key)
            if allowed is not None and site_id not in allowed:
                continue
            if group_by == DISTRICT:
                group = districts.get(pregnancy.pk, NONE_GROUP)
            else:
                group = site_names.get(site_id, NONE_GROUP) if site_id else NONE_GROUP
            _count(cells, contact, group, pregnancy, records.get(key), date_from, date_to)
    rows = sorted(cells.values(), key=lambda r: (r.contact.ordering_key, r.contact.pk, r.group))
    totals = []
    for contact in contacts:
        total = ContactFigures(contact=contact, group=_("All"))
        for row in rows:
            if row.contact.pk == contact.pk:
                total.eligible += row.eligible
                total.done += row.done
                total.done_in_window += row.done_in_window
                total.days_to_done += row.days_to_done
        totals.append(total)
    return ContactReport(date_from, date_to, group_by, contacts, rows, totals)


def _count(
    cells: dict[tuple[int, str], ContactFigures],
    contact: Contact,
    group: str,
    pregnancy: Pregnancy,
    record: PregnancyContact | None,
    date_from: dt.date,
    date_to: dt.date,
) -> None:
    window = contact_window(contact, pregnancy)
    due = window.start
    if due is None or not date_from <= due <= date_to:
        return
    if record is not None and record.status == PregnancyContact.Status.NOT_NEEDED:
        return
    if journey_closed(pregnancy) and pregnancy.ended_on is not None and pregnancy.ended_on < due:
        return
    cell = cells.setdefault((contact.pk, group), ContactFigures(contact=contact, group=group))
    cell.eligible += 1
    if record is None or record.status != PregnancyContact.Status.DONE or record.done_on is None:
        return
    done_on = record.done_on
    cell.done += 1
    if done_on >= due and (window.end is None or done_on <= window.end):
        cell.done_in_window += 1
    cell.days_to_done.append(max(0, (done_on - due).days))

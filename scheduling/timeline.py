"""The staff timeline of one pregnancy (issue 15): each contact of her municipality's programme
with its status, who did it, the outcome, private notes and the bookings made for it.

Statuses as staff read them: not due, due, invited, booked, done, missed, declined, not needed,
past its window, and closed (a miscarriage or stillbirth ended the journey). The stored ones come
from `PregnancyContact`; the rest are derived by `scheduling.contacts.contact_status`. An
"invited" record stays "invited" until she books or the contact is recorded.

Loaded in four queries whatever the number of contacts or bookings: the contacts, the records
(with who did them), the pregnancy's bookings and its home visits, and nothing per row. A home
visit asked for or timed counts as booked.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .contact_models import Contact, PregnancyContact
from .contacts import BOOKED, CLOSED, DUE, NOT_YET, PAST, Window, contact_status, contacts_for
from .home_visit_models import HomeVisit
from .models import Booking, Nurse, Pregnancy

INVITED = PregnancyContact.Status.INVITED.value

STATUS_LABELS = {
    NOT_YET: _("Not due yet"),
    DUE: _("Due now"),
    INVITED: _("Invited"),
    BOOKED: _("Booked"),
    PregnancyContact.Status.DONE.value: _("Done"),
    PregnancyContact.Status.MISSED.value: _("Missed"),
    PregnancyContact.Status.DECLINED.value: _("Declined"),
    PregnancyContact.Status.NOT_NEEDED.value: _("Not needed"),
    PAST: _("Past its window"),
    CLOSED: _("Closed"),
}


@dataclass(frozen=True)
class TimelineEntry:
    contact: Contact
    status: str
    window: Window
    record: PregnancyContact | None
    active_booking: Booking | None
    bookings: list[Booking] = field(default_factory=list)
    home_visits: list[HomeVisit] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def done_by(self) -> Nurse | None:
        return self.record.done_by if self.record is not None else None


@dataclass(frozen=True)
class Timeline:
    pregnancy: Pregnancy
    entries: list[TimelineEntry]
    # Bookings made before the municipality configured contacts (no contact recorded).
    other_bookings: list[Booking]


def _is_active(booking: Booking, now: dt.datetime) -> bool:
    if booking.status == Booking.Status.CONFIRMED:
        return True
    return bool(
        booking.status == Booking.Status.HELD
        and booking.expires_at is not None
        and booking.expires_at > now
    )


def pregnancy_timeline(pregnancy: Pregnancy, *, now: dt.datetime | None = None) -> Timeline:
    """Her pregnancy's contacts in programme order (see the module docstring)."""
    now = now or timezone.now()
    tz = pregnancy.resident.municipality.tz
    today = now.astimezone(tz).date()
    contacts = list(contacts_for(pregnancy.resident.municipality_id))
    records = {
        r.contact_id: r
        for r in PregnancyContact.objects.filter(pregnancy=pregnancy).select_related("done_by")
    }
    by_contact: dict[int | None, list[Booking]] = defaultdict(list)
    for booking in (
        Booking.objects.filter(pregnancy=pregnancy)
        .exclude(status=Booking.Status.EXPIRED)
        .select_related("site", "nurse")
        .order_by("-start")
    ):
        by_contact[booking.contact_id].append(booking)
    visits: dict[int, list[HomeVisit]] = defaultdict(list)
    for visit in (
        HomeVisit.objects.filter(pregnancy=pregnancy)
        .select_related("block__district", "block__nurse")
        .order_by("-date", "-id")
    ):
        visits[visit.contact_id].append(visit)
    entries = []
    for contact in contacts:
        bookings = by_contact.pop(contact.pk, [])
        active = next((b for b in reversed(bookings) if _is_active(b, now)), None)
        record = records.get(contact.pk)
        status, window = contact_status(
            contact=contact, pregnancy=pregnancy, record=record, booking=active, today=today
        )
        if status in (NOT_YET, DUE, PAST) and record is not None and record.status == INVITED:
            status = INVITED
        if status in (NOT_YET, DUE, PAST, INVITED) and any(
            v.status in (HomeVisit.Status.REQUESTED, HomeVisit.Status.CONFIRMED)
            for v in visits[contact.pk]
        ):
            status = BOOKED  # a home visit asked for or timed
        entries.append(
            TimelineEntry(contact, status, window, record, active, bookings, visits[contact.pk])
        )
    others = [b for bookings in by_contact.values() for b in bookings]
    others.sort(key=lambda b: b.start, reverse=True)
    return Timeline(pregnancy=pregnancy, entries=entries, other_bookings=others)

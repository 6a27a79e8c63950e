"""Reads about the contacts of a pregnancy: when each falls due and where it stands.

A contact's window comes from the pregnancy's dates:
- at notification: from the day the pregnancy was notified (else the day it was registered),
  open-ended until done;
- gestational weeks a–b: from the first day of week a to the last day of week b, counted back
  from the due date (40 weeks + 0 days = the due date, so week w starts 280 - 7w days before it);
- days after birth a–b: the birth date plus a, up to the birth date plus b.

The status of each contact for her pregnancy (`contact_status`) is the stored record when there
is one (done, declined, not needed, missed), then done when she came to a booking for it (attended,
before staff record anything), then booked (an active booking for it), then derived
from the window: due, not yet (including "cannot tell yet": no due date, no birth), or past.
A journey closed by a miscarriage or stillbirth shows every open contact as closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from .contact_models import Contact, PregnancyContact
from .models import Booking, InterviewType, Mode, Municipality, Pregnancy, PregnancyOutcome
from .phones import national

FULL_TERM_DAYS = 280

# Derived statuses beside PregnancyContact.Status's stored ones.
BOOKED = "booked"
DUE = "due"
NOT_YET = "not_yet"
PAST = "past"
CLOSED = "closed"
DONE = PregnancyContact.Status.DONE.value
NOT_NEEDED = PregnancyContact.Status.NOT_NEEDED.value
FINAL = {
    PregnancyContact.Status.DONE,
    PregnancyContact.Status.DECLINED,
    PregnancyContact.Status.NOT_NEEDED,
    PregnancyContact.Status.MISSED,
}


@dataclass(frozen=True)
class Window:
    start: dt.date | None  # None: cannot tell yet (no due date, no birth recorded)
    end: dt.date | None  # None: open-ended


@dataclass(frozen=True)
class ContactLine:
    contact: Contact
    status: str
    window: Window
    booking: Booking | None
    record: PregnancyContact | None

    @property
    def bookable(self) -> bool:
        return self.contact.needs_booking and self.status == DUE


def notified_on(pregnancy: Pregnancy) -> dt.date:
    if pregnancy.notified_on:
        return pregnancy.notified_on
    return timezone.localdate(pregnancy.created_at)


def week_starts(due_date: dt.date, week: int) -> dt.date:
    """The first day of gestational week `week` (0-based completed weeks) for this due date."""
    return due_date - dt.timedelta(days=FULL_TERM_DAYS - 7 * week)


def contact_window(contact: Contact, pregnancy: Pregnancy) -> Window:
    basis = contact.due_basis
    if basis == Contact.DueBasis.NOTIFICATION:
        return Window(notified_on(pregnancy), None)
    if basis == Contact.DueBasis.GESTATION_WEEKS:
        if pregnancy.due_date is None:
            return Window(None, None)
        first = week_starts(pregnancy.due_date, contact.due_from or 0)
        last = (
            week_starts(pregnancy.due_date, contact.due_until + 1) - dt.timedelta(days=1)
            if contact.due_until is not None
            else None
        )
        return Window(first, last)
    born = pregnancy.ended_on if pregnancy.outcome == PregnancyOutcome.BIRTH else None
    if born is None:
        return Window(None, None)
    end = born + dt.timedelta(days=contact.due_until) if contact.due_until is not None else None
    return Window(born + dt.timedelta(days=contact.due_from or 0), end)


def journey_closed(pregnancy: Pregnancy) -> bool:
    return pregnancy.outcome in (PregnancyOutcome.MISCARRIAGE, PregnancyOutcome.STILLBIRTH)


def contact_status(
    *,
    contact: Contact,
    pregnancy: Pregnancy,
    record: PregnancyContact | None,
    booking: Booking | None,
    today: dt.date,
    attended: bool = False,
) -> tuple[str, Window]:
    """`attended`: she came to a booking for this contact (done, even before staff record it)."""
    window = contact_window(contact, pregnancy)
    if record is not None and record.status in FINAL:
        return record.status, window
    if attended:
        return DONE, window
    if journey_closed(pregnancy):
        return CLOSED, window
    if booking is not None:
        return BOOKED, window
    if window.start is None or today < window.start:
        return NOT_YET, window
    if window.end is not None and today > window.end:
        return PAST, window
    return DUE, window


def contacts_for(municipality: Municipality | int) -> QuerySet[Contact]:
    municipality_id = municipality if isinstance(municipality, int) else municipality.pk
    return (
        Contact.objects.filter(municipality_id=municipality_id, is_active=True)
        .select_related("interview_type")
        .order_by("ordering_key", "id")
    )


def pregnancy_contacts(
    pregnancy: Pregnancy, *, now: dt.datetime | None = None, municipality_id: int | None = None
) -> list[ContactLine]:
    """Her pregnancy's contacts in order with their status, in three queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if municipality_id is None:
        municipality_id = pregnancy.resident.municipality_id
    contacts = list(contacts_for(municipality_id))
    records = {r.contact_id: r for r in PregnancyContact.objects.filter(pregnancy=pregnancy)}
    bookings: dict[int | None, Booking] = {}
    attended: set[int | None] = set()
    for b in (
        Booking.objects.filter(pregnancy=pregnancy)
        .filter(
            Q(status=Booking.Status.CONFIRMED)
            | Q(status=Booking.Status.HELD, expires_at__gt=now)
            | Q(status=Booking.Status.ATTENDED)
        )
        .select_related("site", "interview_type")
        .order_by("start")
    ):
        if b.status == Booking.Status.ATTENDED:
            attended.add(b.contact_id)
        else:
            bookings.setdefault(b.contact_id, b)
    lines = []
    for contact in contacts:
        booking = bookings.get(contact.pk)
        record = records.get(contact.pk)
        status, window = contact_status(
            contact=contact,
            pregnancy=pregnancy,
            record=record,
            booking=booking,
            today=today,
            attended=contact.pk in attended,
        )
        lines.append(ContactLine(contact, status, window, booking, record))
    return lines


def contact_for_interview_type(interview_type: InterviewType) -> Contact | None:
    """The contact a booking of this type is for: the first active one booked through it.
    Fixed SQL: it is on every booking's path (issue 19), where compiling the queryset cost
    more than the database's answer."""
    return next(iter(Contact.objects.raw(_CONTACT_FOR_TYPE_SQL, [interview_type.pk])), None)


_CONTACT_FOR_TYPE_SQL = (
    f"SELECT * FROM {Contact._meta.db_table} "  # noqa: S608 (the model's table)
    "WHERE interview_type_id = %s AND is_active ORDER BY ordering_key, id LIMIT 1"
)
# The same contact's id as an SQL expression of the named parameter %(contact_type)s (NULL: none),
# for the booking's one read inside its transaction (availability/intervals.py, issue 19).
CONTACT_ID_FOR_TYPE_SQL = (
    f"(SELECT c.id FROM {Contact._meta.db_table} c "  # noqa: S608 (the model's table)
    "WHERE c.interview_type_id = %(contact_type)s AND c.is_active "
    "ORDER BY c.ordering_key, c.id LIMIT 1)"
)


@dataclass(frozen=True)
class RemoteWay:
    """How a remote interview happens, for her page, messages and calendar file: the join link
    (video) or the number we call and the number we call from (phone). Never for nurse feeds."""

    mode: str
    join_url: str
    call_to: str
    call_from: str


def remote_way(booking: Booking) -> RemoteWay | None:
    """None for an interview in person; otherwise the link or the numbers."""
    if booking.mode == Mode.IN_PERSON:
        return None
    contact = booking.contact
    resident = booking.pregnancy.resident if booking.pregnancy else None
    return RemoteWay(
        mode=booking.mode,
        join_url=booking.video_url if booking.mode == Mode.VIDEO else "",
        call_to=national(resident.phone)
        if resident is not None and resident.phone and booking.mode == Mode.PHONE
        else "",
        call_from=(contact.call_from if contact else "") or booking.municipality.contact_phone,
    )


def bookable_contacts(municipality: Municipality) -> list[Contact]:
    """The municipality's contacts that are booked, each with its interview type, in order."""
    return list(
        contacts_for(municipality).filter(
            needs_booking=True, interview_type__isnull=False, interview_type__is_active=True
        )
    )

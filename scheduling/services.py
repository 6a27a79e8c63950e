"""Writes. Each service owns its transaction and raises DomainError with a translatable message.

Double booking: on PostgreSQL the exclusion constraints decide. A hold or a direct booking
runs a short transaction that reads the site under its share lock (only a schedule edit
excludes it), checks the one start asked for (the nurses and rooms free across it, one round
trip), takes the chosen nurse's and room's advisory locks and inserts; an overlap moves on to
the slot's next free nurse (or room). On SQLite, which has no exclusion constraints, the same
check runs inside the IMMEDIATE (serialised) write transaction. A refusal becomes a clean
`slot_unavailable` conflict with the next free alternatives, computed after the transaction:
that day at that site from the rows its read fetched, the rest from the cached availability
(booking_alternatives.py; placing: booking_placement.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications import outbox
from yurikago.errors import DomainError

from .booking_alternatives import (
    ALTERNATIVE_DAYS_AT_SITE,
    ALTERNATIVE_DAYS_ELSEWHERE,
    ALTERNATIVES,
    RefusingRead,
    _conflict,
    alternatives_for,
)
from .booking_changes import (
    booking_cancel,
    booking_mark_attendance,
    booking_release_hold,
    booking_reschedule,
)
from .booking_placement import (
    PLACE_ATTEMPTS,
    _Direct,
    _event,
    _place,
    _record,
    hold_locked,
    holds_sweep_expired,
)
from .contacts import contact_for_interview_type
from .errors import booking_error
from .models import Booking, BookingEvent, Contact, InterviewType, Mode, Pregnancy, Site

if TYPE_CHECKING:
    from .models import User

# The booking services, split by issue 19 (this module was 790 lines): placing the row in
# booking_placement.py, alternatives for a taken slot in booking_alternatives.py, cancel,
# reschedule, attendance and release in booking_changes.py. Callers import them from here.
__all__ = [
    "ALTERNATIVES",
    "ALTERNATIVE_DAYS_AT_SITE",
    "ALTERNATIVE_DAYS_ELSEWHERE",
    "PLACE_ATTEMPTS",
    "alternatives_for",
    "booking_cancel",
    "booking_confirm",
    "booking_create",
    "booking_hold",
    "booking_mark_attendance",
    "booking_release_hold",
    "booking_reschedule",
    "holds_sweep_expired",
]

log = logging.getLogger(__name__)


def _contact_asked(interview_type: InterviewType, contact: Contact | None) -> Contact | None:
    """The contact asked for, checked (booked through this interview type, active). None: the
    booking is for the type's first active contact, read by _place inside its transaction
    (none where no contact is configured)."""
    if contact is not None and (
        contact.interview_type_id != interview_type.pk or not contact.is_active
    ):
        raise booking_error("not_found", field="contact")
    return contact


def booking_hold(
    *,
    site: Site,
    interview_type: InterviewType,
    start: dt.datetime,
    mode: str = Mode.IN_PERSON,
    contact: Contact | None = None,
    actor: User | None = None,
    hold_owner: str = "",
    staff: bool = False,
    channel: str = Booking.Channel.ONLINE,
    now: dt.datetime | None = None,
) -> Booking:
    """Reserve one nurse (and room) for a few minutes while the resident types her details."""
    now = now or timezone.now()
    contact = _contact_asked(interview_type, contact)
    # Expired holds are swept by the beat task, and by _place when one is in the way.
    error: DomainError | None = None
    seen = RefusingRead()  # a refusal's alternatives that day come from its transaction's read
    try:
        return _place(
            site=site,
            interview_type=interview_type,
            start=start,
            mode=mode,
            now=now,
            staff=staff,
            actor=actor,
            hold_owner=hold_owner,
            channel=channel,
            contact=contact,
            contact_of_type=contact is None,
            seen=seen,
        )
    except IntegrityError:
        log.info("hold conflict at site=%s start=%s", site.pk, start.isoformat())
    except DomainError as exc:
        if exc.code != "slot_unavailable":
            raise
        error = exc
    raise _conflict(error, site, interview_type, start, mode, now, seen=seen)


def _confirm(
    booking: Booking,
    *,
    pregnancy: Pregnancy,
    notify_sms: bool,
    notify_email: bool,
    language: str,
    channels: list[tuple[str, str]],
    actor: User | None,
    staff: bool,
    now: dt.datetime,
) -> Booking:
    """Inside the transaction, the hold locked: confirm it, with its event and her messages. A
    second active booking for the pregnancy and contact is refused by the partial unique
    constraints (IntegrityError, "already booked" for the caller)."""
    booking.pregnancy = pregnancy
    booking.status = Booking.Status.CONFIRMED
    booking.expires_at = None
    booking.confirmed_at = now
    booking.notify_sms, booking.notify_email = notify_sms, notify_email
    booking.language = language
    messages = outbox.messages_owed(
        booking=booking, purpose="confirmation", now=now, channels=channels
    )
    # A confirmed place no longer frees itself when the hold would have expired; the cached
    # availability already shows it taken, so _record announces no change.
    _record(
        booking,
        kind=BookingEvent.Kind.CONFIRMED,
        actor=actor,
        staff=staff,
        data={"channel": booking.channel},
        messages=messages,
        confirming=True,
    )
    return booking


def booking_confirm(
    *,
    booking: Booking,
    pregnancy: Pregnancy,
    notify_sms: bool = True,
    notify_email: bool = False,
    language: str = "ja",
    actor: User | None = None,
    staff: bool = False,
    now: dt.datetime | None = None,
) -> Booking:
    """Turn a hold into a booking and queue its confirmation and reminders, all or nothing."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            # The booking row only (see _lock_for_change); with it, what her channels need (her
            # LINE user, her number's STOP): no read of its own (issue 19, fourth round).
            # One prepared statement (sixth round); the site and type the caller read with the
            # hold are kept when they are the locked row's.
            locked, line_and_stop = hold_locked(
                booking, resident=pregnancy.resident, notify_sms=notify_sms
            )
            channels = outbox.pregnancy_channels(
                pregnancy,
                notify_sms=notify_sms,
                notify_email=notify_email,
                line_and_stop=line_and_stop,
            )
            if locked.municipality_id == locked.site.municipality_id:
                locked.municipality = locked.site.municipality  # the same row: no query
            if locked.status != Booking.Status.HELD:
                if (
                    locked.status == Booking.Status.CONFIRMED
                    and locked.pregnancy_id == pregnancy.pk
                ):
                    return locked  # a double submit of the same form
                raise booking_error("hold_expired")
            if locked.expires_at is not None and locked.expires_at <= now:
                locked.status = Booking.Status.EXPIRED
                locked.save(update_fields=["status", "updated_at"])
                _event(locked, BookingEvent.Kind.EXPIRED, None, False)
                raise booking_error("hold_expired")
            return _confirm(
                locked,
                pregnancy=pregnancy,
                notify_sms=notify_sms,
                notify_email=notify_email,
                language=language,
                channels=channels,
                actor=actor,
                staff=staff,
                now=now,
            )
    except IntegrityError:
        raise booking_error("already_booked") from None


def booking_create(
    *,
    site: Site,
    interview_type: InterviewType,
    start: dt.datetime,
    pregnancy: Pregnancy,
    mode: str = Mode.IN_PERSON,
    notify_sms: bool = True,
    notify_email: bool = False,
    language: str = "ja",
    actor: User | None = None,
    staff: bool = False,
    channel: str = Booking.Channel.ONLINE,
    contact: Contact | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Book directly (staff on the phone, an integration): hold and confirm in one transaction."""
    now = now or timezone.now()
    contact = _contact_asked(interview_type, contact)
    error: DomainError | None = None
    seen = RefusingRead()  # a refusal's alternatives that day come from its transaction's read
    try:
        # The booking row is written confirmed (no hold, no update); a second active booking
        # for the same pregnancy and contact is refused by the partial unique constraints, so
        # nothing is looked up first (issue 19). Only a refusal asks whether she already has
        # one, so that "already booked" still comes before "taken" or "closed".
        return _place(
            site=site,
            interview_type=interview_type,
            start=start,
            mode=mode,
            now=now,
            staff=staff,
            actor=actor,
            hold_owner="",
            channel=channel,
            contact=contact,
            contact_of_type=contact is None,
            direct=_Direct(pregnancy, notify_sms, notify_email, language),
            seen=seen,
        )
    except IntegrityError as exc:
        if "pregnancy" in str(exc) or "one_active_" in str(exc):
            raise booking_error("already_booked") from None
    except DomainError as exc:
        if _already_booked(seen, pregnancy, interview_type, contact, now):
            raise booking_error("already_booked") from None
        if exc.code != "slot_unavailable":
            raise
        error = exc
    raise _conflict(error, site, interview_type, start, mode, now, seen=seen)


def _already_booked(
    seen: RefusingRead,
    pregnancy: Pregnancy,
    interview_type: InterviewType,
    contact: Contact | None,
    now: dt.datetime,
) -> bool:
    """Had she an active booking for the contact, when her booking was refused? As the
    refusing transaction read it (PostgreSQL: with the day, no statement of its own), else
    asked now (SQLite)."""
    if seen.already_booked is not None:
        return seen.already_booked
    if contact is None:  # only a refusal asks which contact the booking was for
        contact = contact_for_interview_type(interview_type)
    return _has_active_booking(pregnancy, contact, now)


def _has_active_booking(pregnancy: Pregnancy, contact: Contact | None, now: dt.datetime) -> bool:
    active = Booking.objects.active(now).filter(pregnancy=pregnancy)
    return (
        active.filter(contact=contact) if contact else active.filter(contact__isnull=True)
    ).exists()

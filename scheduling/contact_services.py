"""Writes about the contacts of a pregnancy: the end of a pregnancy recorded by staff.

`pregnancy_record_end` records a birth (date, number of babies), a miscarriage or a stillbirth:
- a birth opens the after-birth contacts (their window counts from the birth date) and closes
  every contact that falls due in gestational weeks and is not done yet as "not needed": a birth
  before the 8th-month contact makes it moot; its booking, if any, is cancelled;
- a miscarriage or stillbirth closes the journey: the pregnancy is no longer ongoing, every active
  booking and home visit is cancelled and every message not yet sent (reminders, invitations, a
  visit's time) is taken back.
  Nothing is sent to her about it: staff who recorded it are in touch with her, and an automatic
  "your interview is cancelled" is not what she should read then.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import Message
from yurikago.errors import DomainError

from .availability import availability_changed
from .contact_models import Contact, PregnancyContact
from .contacts import FINAL
from .models import Booking, BookingEvent, Pregnancy, PregnancyOutcome

if TYPE_CHECKING:
    from .models import Nurse, User

MAX_BABIES = 8


def _cancel_quietly(
    bookings: list[Booking], *, actor: User | None, reason: str, now: dt.datetime
) -> None:
    for booking in bookings:
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.cancel_reason = reason
        booking.sequence += 1
        booking.save(
            update_fields=["status", "cancelled_at", "cancel_reason", "sequence", "updated_at"]
        )
        BookingEvent.objects.create(
            booking=booking,
            kind=BookingEvent.Kind.CANCELLED,
            actor=actor,
            actor_is_staff=True,
            data={"pregnancy_ended": True},
        )
    if bookings:
        availability_changed()


def _void_pending(pregnancy: Pregnancy, now: dt.datetime) -> int:
    """Her booking messages not yet sent, and a home visit's time not yet sent (no booking: it
    is hers by recipient)."""
    resident = pregnancy.resident
    mine = [r for r in (resident.phone, resident.email) if r]
    return Message.objects.filter(
        Q(booking__pregnancy=pregnancy)
        | Q(booking__isnull=True, purpose="visit_time", recipient__in=mine),
        status=Message.Status.PENDING,
    ).update(status=Message.Status.CANCELLED, updated_at=now)


def _cancel_home_visits(
    pregnancy: Pregnancy, now: dt.datetime, contact_ids: list[int] | None
) -> int:
    """Home visits asked for or timed (issue 15 part B): cancelled, for these contacts or all."""
    from .home_visit_models import HomeVisit

    visits = HomeVisit.objects.filter(
        pregnancy=pregnancy,
        status__in=[HomeVisit.Status.REQUESTED, HomeVisit.Status.CONFIRMED],
    )
    if contact_ids is not None:
        visits = visits.filter(contact_id__in=contact_ids)
    return visits.update(status=HomeVisit.Status.CANCELLED, updated_at=now)


def _validate(outcome: str, on: dt.date, babies: int | None, today: dt.date) -> None:
    if outcome not in PregnancyOutcome.values:
        raise DomainError("invalid", _("Choose what happened."), field="outcome")
    if on > today:
        raise DomainError("invalid", _("The date cannot be in the future."), field="on")
    if outcome == PregnancyOutcome.BIRTH and not (babies and 1 <= babies <= MAX_BABIES):
        raise DomainError("invalid", _("Enter the number of babies (1 to 8)."), field="babies")


def pregnancy_record_end(
    *,
    pregnancy: Pregnancy,
    outcome: str,
    on: dt.date,
    babies: int | None = None,
    actor: User | None = None,
    nurse: Nurse | None = None,
    now: dt.datetime | None = None,
) -> Pregnancy:
    """Record how the pregnancy ended (see the module docstring), in one transaction."""
    now = now or timezone.now()
    _validate(outcome, on, babies, timezone.localdate(now))
    with transaction.atomic():
        locked = Pregnancy.objects.select_for_update().get(pk=pregnancy.pk)
        locked.outcome, locked.ended_on = outcome, on
        locked.babies = babies if outcome == PregnancyOutcome.BIRTH else None
        active = list(Booking.objects.active(now).filter(pregnancy=locked, start__gt=now))
        if outcome == PregnancyOutcome.BIRTH:
            _close_gestation_contacts(locked, active, actor=actor, now=now)
        else:
            locked.is_active = False
            _cancel_quietly(active, actor=actor, reason=str(_("Pregnancy ended")), now=now)
            _cancel_home_visits(locked, now, None)
            _void_pending(locked, now)
        locked.save(update_fields=["outcome", "ended_on", "babies", "is_active"])
        return locked


def _close_gestation_contacts(
    pregnancy: Pregnancy, active: list[Booking], *, actor: User | None, now: dt.datetime
) -> None:
    contacts = Contact.objects.filter(
        municipality_id=pregnancy.resident.municipality_id,
        due_basis=Contact.DueBasis.GESTATION_WEEKS,
    )
    records = {r.contact_id: r for r in PregnancyContact.objects.filter(pregnancy=pregnancy)}
    moot: list[int] = []
    for contact in contacts:
        record = records.get(contact.pk)
        if record is not None and record.status in FINAL:
            continue
        moot.append(contact.pk)
        PregnancyContact.objects.update_or_create(
            pregnancy=pregnancy,
            contact=contact,
            defaults={"status": PregnancyContact.Status.NOT_NEEDED, "reason": "birth"},
        )
    _cancel_home_visits(pregnancy, now, moot)
    cancelled = [b for b in active if b.contact_id in moot]
    _cancel_quietly(cancelled, actor=actor, reason=str(_("Baby born before it")), now=now)
    if cancelled:
        Message.objects.filter(booking__in=cancelled, status=Message.Status.PENDING).update(
            status=Message.Status.CANCELLED, updated_at=now
        )

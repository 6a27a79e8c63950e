"""Staff record what happened at one contact of a pregnancy (issue 15): invited, done (on a
date, by a nurse, with an outcome), missed, declined or not needed, with private notes.

One row per pregnancy and contact (`PregnancyContact`); recording again replaces what it says.
A "done" contact links the booking it was done at, when there is one (the latest attended
booking for that contact). The caller has already decided she may see this pregnancy
(scheduling.access.access_pregnancy_as_staff).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications import webhooks
from yurikago.errors import DomainError

from .contact_models import Contact, PregnancyContact
from .models import Booking, Nurse, Pregnancy

RECORDABLE = [
    PregnancyContact.Status.INVITED,
    PregnancyContact.Status.DONE,
    PregnancyContact.Status.MISSED,
    PregnancyContact.Status.DECLINED,
    PregnancyContact.Status.NOT_NEEDED,
]
DONE = PregnancyContact.Status.DONE


def _validate(
    *,
    pregnancy: Pregnancy,
    contact: Contact,
    status: str,
    done_on: dt.date | None,
    done_by: Nurse | None,
    today: dt.date,
) -> None:
    municipality_id = pregnancy.resident.municipality_id
    if contact.municipality_id != municipality_id:
        raise DomainError("not_found", _("Not found."))
    if status not in RECORDABLE:
        raise DomainError("invalid", _("Choose what happened."), field="status")
    if status == DONE and done_on is None:
        raise DomainError("invalid", _("Enter the date it was done."), field="done_on")
    if done_on is not None and done_on > today:
        raise DomainError("invalid", _("The date cannot be in the future."), field="done_on")
    if done_by is not None and done_by.municipality_id != municipality_id:
        raise DomainError("invalid", _("Choose a nurse of this municipality."), field="done_by")


def pregnancy_contact_record(
    *,
    pregnancy: Pregnancy,
    contact: Contact,
    status: str,
    done_on: dt.date | None = None,
    done_by: Nurse | None = None,
    outcome: str = "",
    reason: str = "",
    staff_notes: str = "",
    now: dt.datetime | None = None,
) -> PregnancyContact:
    """Record (or correct) this contact's status for her pregnancy, in one transaction."""
    now = now or timezone.now()
    today = now.astimezone(pregnancy.resident.municipality.tz).date()
    _validate(
        pregnancy=pregnancy,
        contact=contact,
        status=status,
        done_on=done_on,
        done_by=done_by,
        today=today,
    )
    if status != DONE:
        done_on, done_by = None, None
    booking = (
        Booking.objects.filter(pregnancy=pregnancy, contact=contact, status=Booking.Status.ATTENDED)
        .order_by("-start")
        .first()
        if status == DONE
        else None
    )
    with transaction.atomic():
        record, _created = PregnancyContact.objects.select_for_update().update_or_create(
            pregnancy=pregnancy,
            contact=contact,
            defaults={
                "status": status,
                "done_on": done_on,
                "done_by": done_by,
                "booking": booking,
                "outcome": outcome.strip(),
                "reason": reason.strip(),
                "staff_notes": staff_notes.strip(),
            },
        )
        # Integrators subscribed to "contact done" hear of it: one INSERT, in this transaction.
        webhooks.webhooks_queue_contact_done(record=record, municipality_id=contact.municipality_id)
    return record

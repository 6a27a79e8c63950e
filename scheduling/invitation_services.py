"""Invitations out (issue 16): writes. Each invitation is recorded, given its link and queued
through the outbox in one transaction; the database allows one per pregnancy, contact and kind
(one "we missed you" per missed booking), so the periodic round can run any number of times, at
once on two workers, and sends nothing twice.

The round (`invitations_round`, beat task `scheduling.invitations`, `manage.py
dispatch_messages --loop` in the demo) looks for, per municipality with invitations on:
- "Book your interview": a notified pregnancy (from the 母子保健 file or API) not booked for
  the contact at notification, notified within BOOK_WITHIN_DAYS;
- a contact that falls due: the 8th-month questionnaire (or a late-pregnancy interview that is
  not only for those who ask), and the after-birth contact once a birth is recorded;
- one reminder, `reminder_after_days` (default 7) after an invitation she has not acted on.
Messages go in civil hours: a row made in the night is sent at CIVIL_HOURS_START.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from notifications.invitations import (
    invitation_channels,
    invitation_url,
    invitations_queued,
    queue_invitation,
)

from .contact_models import Contact
from .contacts import FULL_TERM_DAYS
from .invitation_models import (
    LINK_VALID_DAYS,
    REMINDER_AFTER_DAYS,
    Invitation,
    InvitationLink,
    InvitationSettings,
)
from .invitation_selectors import ENDED, contact_closed, live_booking, not_acted, token_hash
from .models import Booking, Municipality, Pregnancy, PregnancyOutcome

Kind = Invitation.Kind
# A notification older than this is the follow-up list's (a call), not a first invitation's.
BOOK_WITHIN_DAYS = 28
REMINDABLE = (Kind.BOOK, Kind.QUESTIONNAIRE, Kind.AFTER_BIRTH)
BATCH = 100


@dataclass
class RoundResult:
    invited: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        key = str(kind)  # a plain string: the task result goes through JSON
        self.invited[key] = self.invited.get(key, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.invited.values())


def civil_now_or_next(now: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """`now` in civil hours (CIVIL_HOURS_START … _END, local), else the next morning's start."""
    local = now.astimezone(tz)
    start_h, end_h = settings.CIVIL_HOURS_START, settings.CIVIL_HOURS_END
    if start_h <= local.hour < end_h:
        return now
    day = local.date() + dt.timedelta(days=1 if local.hour >= end_h else 0)
    return dt.datetime.combine(day, dt.time(start_h), tzinfo=tz)


def _preferences(pregnancy: Pregnancy) -> tuple[bool, bool]:
    """Her channels as she chose them on her last booking; text messages when she never booked."""
    last = (
        Booking.objects.filter(pregnancy__resident_id=pregnancy.resident_id)
        .exclude(status__in=[Booking.Status.HELD, Booking.Status.EXPIRED])
        .order_by("-created_at")
        .values_list("notify_sms", "notify_email")
        .first()
    )
    return (bool(last[0]), bool(last[1])) if last else (True, False)


def invitation_send(
    *,
    pregnancy: Pregnancy,
    contact: Contact,
    kind: str,
    now: dt.datetime,
    link_days: int = LINK_VALID_DAYS,
    booking: Booking | None = None,
    of_kind: str = "",
    wake: bool = True,
) -> Invitation | None:
    """Record one invitation with its link and queue its messages, all or nothing. None when
    it was recorded before (the unique constraints): nothing is sent twice."""
    municipality = pregnancy.resident.municipality
    with transaction.atomic():
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    pregnancy=pregnancy, contact=contact, kind=kind, booking=booking, created_at=now
                )
        except IntegrityError:
            return None
        token = secrets.token_urlsafe(16)
        InvitationLink.objects.create(
            invitation=invitation,
            pregnancy=pregnancy,
            contact=contact,
            token_hash=token_hash(token),
            expires_at=now + dt.timedelta(days=link_days),
            created_at=now,
        )
        notify_sms, notify_email = _preferences(pregnancy)
        rows = queue_invitation(
            invitation=invitation,
            url=invitation_url(pregnancy.pk, token),
            send_at=civil_now_or_next(now, municipality.tz),
            channels=invitation_channels(
                pregnancy.resident, notify_sms=notify_sms, notify_email=notify_email
            ),
            of_kind=of_kind,
            missed=booking,
            wake=wake,
        )
        if not rows:
            invitation.queued = False
            invitation.save(update_fields=["queued"])
    return invitation


def invitation_missed_queue(*, booking: Booking, now: dt.datetime) -> Invitation | None:
    """ "We missed you, choose a new time" for a booking just marked missed (call inside the
    marking transaction). Once per booking; nothing for a pregnancy that has ended."""
    pregnancy = booking.pregnancy
    if pregnancy is None or not pregnancy.is_active or pregnancy.outcome in ENDED:
        return None
    contact = booking.contact
    if contact is None:
        return None
    found = InvitationSettings.objects.filter(municipality_id=booking.municipality_id).first()
    if found is not None and not found.enabled:
        return None
    return invitation_send(
        pregnancy=pregnancy,
        contact=contact,
        kind=Kind.MISSED,
        now=now,
        link_days=found.link_valid_days if found else LINK_VALID_DAYS,
        booking=booking,
    )


# --- the periodic round --------------------------------------------------------------------------


def _not_invited(kind: str) -> Any:
    return ~Exists(
        Invitation.objects.filter(
            pregnancy=OuterRef("pk"), contact=OuterRef("invite_contact"), kind=kind
        )
    )


def _open_for(contact: Contact, now: dt.datetime) -> QuerySet[Pregnancy]:
    """Her municipality's ongoing pregnancies for which this contact is neither booked nor
    closed; `_contact` names the contact for the subqueries."""
    from django.db.models import Value

    return (
        Pregnancy.objects.filter(resident__municipality_id=contact.municipality_id, is_active=True)
        .exclude(outcome__in=ENDED)
        .exclude(resident__anonymised_at__isnull=False)
        .annotate(invite_contact=Value(contact.pk))
        .filter(
            ~Exists(live_booking("pk", "invite_contact", now)),
            ~Exists(contact_closed("pk", "invite_contact")),
        )
    )


def _due(
    contact: Contact, today: dt.date, now: dt.datetime
) -> tuple[str, QuerySet[Pregnancy]] | None:
    """The invitation kind for this contact and the pregnancies it is due for today."""
    basis = contact.due_basis
    pregnancies = _open_for(contact, now)
    if basis == Contact.DueBasis.NOTIFICATION:
        if not contact.needs_booking:
            return None
        return Kind.BOOK, pregnancies.filter(
            notification__isnull=False,
            notification__notified_on__gte=today - dt.timedelta(days=BOOK_WITHIN_DAYS),
            notification__notified_on__lte=today,
        )
    if contact.optional:
        return None  # only for those who ask: she asks (the questionnaire, a call), we do not
    kind = Kind.QUESTIONNAIRE if contact.kind == Contact.Kind.QUESTIONNAIRE else Kind.BOOK
    if basis == Contact.DueBasis.GESTATION_WEEKS:
        # Due when week `due_from` has begun and week `due_until` has not ended, i.e. the due
        # date lies within these bounds (contacts.contact_window, turned around).
        latest = today + dt.timedelta(days=FULL_TERM_DAYS - 7 * (contact.due_from or 0))
        pregnancies = pregnancies.filter(due_date__lte=latest)
        if contact.due_until is not None:
            earliest = today + dt.timedelta(days=FULL_TERM_DAYS - 7 * (contact.due_until + 1) + 1)
            pregnancies = pregnancies.filter(due_date__gte=earliest)
        return kind, pregnancies
    if contact.kind != Contact.Kind.QUESTIONNAIRE:
        kind = Kind.AFTER_BIRTH
    born = pregnancies.filter(
        outcome=PregnancyOutcome.BIRTH,
        ended_on__lte=today - dt.timedelta(days=contact.due_from or 0),
    )
    if contact.due_until is not None:
        born = born.filter(ended_on__gte=today - dt.timedelta(days=contact.due_until))
    return kind, born


def invitations_round(*, now: dt.datetime | None = None, limit: int = 5000) -> RoundResult:
    """One round: every invitation due now, each once; then the reminders. Returns the counts."""
    now = now or timezone.now()
    result = RoundResult()
    own = {s.municipality_id: s for s in InvitationSettings.objects.all()}
    municipalities = Municipality.objects.filter(is_active=True)
    for municipality in municipalities:
        found = own.get(municipality.pk)
        if found is not None and not found.enabled:
            continue
        link_days = found.link_valid_days if found else LINK_VALID_DAYS
        today = now.astimezone(municipality.tz).date()
        contacts = Contact.objects.filter(municipality=municipality, is_active=True).order_by(
            "ordering_key", "id"
        )
        for contact in contacts:
            due = _due(contact, today, now)
            if due is None:
                continue
            kind, pregnancies = due
            found_now = list(
                pregnancies.filter(_not_invited(kind))
                .select_related("resident__municipality")
                .order_by("pk")[:limit]
            )
            for batch in _batches(found_now):
                with transaction.atomic():
                    for pregnancy in batch:
                        if invitation_send(
                            pregnancy=pregnancy,
                            contact=contact,
                            kind=kind,
                            now=now,
                            link_days=link_days,
                            wake=False,
                        ):
                            result.count(kind)
        reminder_days = found.reminder_after_days if found else REMINDER_AFTER_DAYS
        _remind(municipality, now, reminder_days, link_days, limit, result)
    if result.total:
        invitations_queued()
    return result


def _batches(items: list[Any]) -> list[list[Any]]:
    """Commit every BATCH invitations rather than each (a commit waits for the disk); each one
    is still its own savepoint, so one refused by the constraint leaves the others."""
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def _remind(
    municipality: Municipality,
    now: dt.datetime,
    days: int,
    link_days: int,
    limit: int,
    result: RoundResult,
) -> None:
    reminded = Invitation.objects.filter(
        pregnancy=OuterRef("pregnancy_id"), contact=OuterRef("contact_id"), kind=Kind.REMINDER
    )
    due = not_acted(
        Invitation.objects.filter(
            pregnancy__resident__municipality=municipality,
            kind__in=REMINDABLE,
            created_at__lte=now - dt.timedelta(days=days),
        ).filter(~Exists(reminded)),
        now,
    ).select_related("pregnancy__resident__municipality", "contact")
    for batch in _batches(list(due.order_by("created_at", "pk")[:limit])):
        with transaction.atomic():
            for invitation in batch:
                if invitation_send(
                    pregnancy=invitation.pregnancy,
                    contact=invitation.contact,
                    kind=Kind.REMINDER,
                    now=now,
                    link_days=link_days,
                    of_kind=invitation.kind,
                    wake=False,
                ):
                    result.count(Kind.REMINDER)


# --- her link ------------------------------------------------------------------------------------


def invitation_link_consume(*, link: InvitationLink, now: dt.datetime) -> bool:
    """Use the link once: True for exactly one caller while it is unused and unexpired (a
    conditional UPDATE on the row alone, no join: two taps at once, one wins)."""
    return bool(
        InvitationLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(
            used_at=now
        )
    )

"""Reads about invitations (issue 16): has she done what an invitation asked, and which link a
token names. No notifications import here: the dispatcher's rule (notifications.invitation_rules)
asks `invitation_acted_on` without pulling in the outbox writers."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db.models import Exists, OuterRef, Q, QuerySet

from .contact_models import PregnancyContact
from .invitation_models import Invitation, InvitationLink
from .models import Booking, PregnancyOutcome

FINAL = (
    PregnancyContact.Status.DONE,
    PregnancyContact.Status.DECLINED,
    PregnancyContact.Status.NOT_NEEDED,
)
ENDED = (PregnancyOutcome.MISCARRIAGE, PregnancyOutcome.STILLBIRTH)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def contact_closed(pregnancy_ref: str, contact_ref: str) -> QuerySet[PregnancyContact]:
    return PregnancyContact.objects.filter(
        pregnancy=OuterRef(pregnancy_ref), contact=OuterRef(contact_ref), status__in=FINAL
    )


def not_acted(queryset: QuerySet[Invitation], now: dt.datetime) -> QuerySet[Invitation]:
    """Invitations whose pregnancy goes on and whose contact is neither booked nor closed."""
    return queryset.filter(pregnancy__is_active=True).filter(
        ~Q(pregnancy__outcome__in=ENDED),
        ~Exists(live_booking("pregnancy_id", "contact_id", now)),
        ~Exists(contact_closed("pregnancy_id", "contact_id")),
    )


def live_booking(pregnancy_ref: str, contact_ref: str, now: dt.datetime) -> QuerySet[Booking]:
    """Her live bookings for a contact (held and not expired, confirmed, attended), as a
    subquery. Every booking records its contact (issue 15; migration 0007 gave older ones
    theirs), and an invitation always names one."""
    return Booking.objects.filter(
        contact=OuterRef(contact_ref),
        pregnancy=OuterRef(pregnancy_ref),
        status__in=[Booking.Status.HELD, Booking.Status.CONFIRMED, Booking.Status.ATTENDED],
    ).exclude(status=Booking.Status.HELD, expires_at__lte=now)


def invitation_acted_on(invitation_id: object, now: dt.datetime) -> str | None:
    """Why an invitation's message should no longer go (None: it should), in one query."""
    if not isinstance(invitation_id, int):
        return "the invitation is gone"
    if not not_acted(Invitation.objects.filter(pk=invitation_id), now).exists():
        return "she has booked or done it, the pregnancy has ended, or the invitation is gone"
    return None


def link_for_token(token: str) -> InvitationLink | None:
    """The link a token names (by its hash), with what the landing page needs; one query."""
    if not token or len(token) > 100:
        return None
    return (
        InvitationLink.objects.select_related(
            "invitation",
            "pregnancy__resident__user",
            "pregnancy__resident__municipality",
            "contact",
        )
        .filter(token_hash=token_hash(token))
        .first()
    )

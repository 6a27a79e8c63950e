"""Reads about invitations (issue 16): has she done what an invitation asked, and which link a
token names. No notifications import here: the dispatcher's rule (notifications.invitation_rules)
asks `invitation_acted_on` without pulling in the outbox writers."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from .contact_models import PregnancyContact
from .invitation_models import Invitation, InvitationLink
from .models import Booking, Pregnancy, PregnancyOutcome

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
    """Why an invitation's message should no longer go (None: it should). The dispatcher asks
    this for every invitation row it sends, so it is one plain SQL round trip: the ORM's nested
    EXISTS took longer to build than to run (a wave of 2,000 spent most of its time here)."""
    if not isinstance(invitation_id, int):
        return "the invitation is gone"
    invitation = Invitation._meta.db_table
    pregnancy = Pregnancy._meta.db_table
    booking = Booking._meta.db_table
    record = PregnancyContact._meta.db_table
    sql = f"""
        SELECT p.is_active, p.outcome,
          EXISTS (SELECT 1 FROM {booking} b
                  WHERE b.pregnancy_id = i.pregnancy_id AND b.contact_id = i.contact_id
                    AND (b.status IN (%s, %s) OR (b.status = %s AND b.expires_at > %s))),
          EXISTS (SELECT 1 FROM {record} r
                  WHERE r.pregnancy_id = i.pregnancy_id AND r.contact_id = i.contact_id
                    AND r.status IN (%s, %s, %s))
        FROM {invitation} i JOIN {pregnancy} p ON p.id = i.pregnancy_id
        WHERE i.id = %s
    """  # noqa: S608 (table names from the models, values as parameters)
    params = [
        Booking.Status.CONFIRMED,
        Booking.Status.ATTENDED,
        Booking.Status.HELD,
        connection.ops.adapt_datetimefield_value(now),
        *FINAL,
        invitation_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return "the invitation is gone"
    active, outcome, booked, closed = row
    if not active or outcome in ENDED:
        return "the pregnancy has ended"
    if booked or closed:
        return "she has booked or done it"
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

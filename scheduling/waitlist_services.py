"""Waitlist writes (issue 16): she asks for an earlier time, places are offered one at a time,
an offer is accepted (one atomic reschedule, or a booking if she had none), declined or expires.

Why ONE person per place at a time: the place is held for the person offered (the booking
services' hold row), so the exclusion constraints (PostgreSQL) and the serialised write
transaction (SQLite) keep everyone else off it; offering one place to several people at once
would make all but one of them tap a link to a place already gone, and a hold can keep a place
for one person only. An offer not taken before it expires frees the hold, and the next round
offers the place to the next person waiting (never again to her).

`waitlist_offers_round` is the one entry point of the periodic work (beat task and the
`waitlist_offers` management command): it expires due offers and makes new ones. Every step
claims its rows with a conditional UPDATE or a row lock, so two rounds running at once, or a
round repeated, offer nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yurikago.errors import DomainError

from .availability import Slot, availability_changed, open_slots
from .models import Booking, Contact, InterviewType, Pregnancy, Site, User
from .services import booking_confirm, booking_hold, booking_reschedule
from .waitlist_models import WaitlistEntry, WaitlistOffer

log = logging.getLogger(__name__)

# How long an offer (and the hold on its place) stands: short, so a place that she does not
# want reaches the next person the same day.
OFFER_MINUTES = 30
# How many candidate places one entry tries in a round when the first is taken meanwhile.
CANDIDATES_PER_ENTRY = 3


def _error(code: str, message: object) -> DomainError:
    return DomainError(code, message)  # type: ignore[arg-type]


def _current_booking(pregnancy: Pregnancy, contact: Contact | None) -> Booking | None:
    """Her confirmed booking for this contact, if any."""
    bookings = Booking.objects.filter(pregnancy=pregnancy, status=Booking.Status.CONFIRMED)
    bookings = (
        bookings.filter(contact=contact) if contact else bookings.filter(contact__isnull=True)
    )
    return bookings.select_related("site__municipality", "interview_type").first()


def waitlist_join(
    *,
    pregnancy: Pregnancy,
    interview_type: InterviewType,
    sites: Iterable[Site],
    date_from: dt.date,
    date_to: dt.date,
    contact: Contact | None = None,
    now: dt.datetime | None = None,
) -> WaitlistEntry:
    """She asks to be told when an earlier place frees up at these sites and dates."""
    now = now or timezone.now()
    municipality = interview_type.municipality
    chosen = [s for s in sites if s.municipality_id == municipality.pk and s.is_active]
    today = now.astimezone(municipality.tz).date()
    if not chosen:
        raise _error("invalid", _("Please choose at least one place."))
    if date_to < date_from or date_to < today:
        raise _error("invalid", _("Please choose dates from today on, the first one first."))
    current = _current_booking(pregnancy, contact)
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.create(
                municipality=municipality,
                pregnancy=pregnancy,
                contact=contact,
                interview_type=interview_type,
                date_from=max(date_from, today),
                date_to=date_to,
                booking=current,
                created_at=now,
            )
            entry.sites.set(chosen)
    except IntegrityError:
        raise _error(
            "already_waiting",
            _("You are already on the list for an earlier time. Change or leave it first."),
        ) from None
    return entry


def waitlist_leave(*, entry: WaitlistEntry, now: dt.datetime | None = None) -> None:
    """She no longer wants an earlier time: her entry closes and a pending offer is declined."""
    now = now or timezone.now()
    with transaction.atomic():
        WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistEntry.Status.ACTIVE).update(
            status=WaitlistEntry.Status.CANCELLED, closed_at=now
        )
        for offer in WaitlistOffer.objects.filter(entry=entry, status=WaitlistOffer.Status.PENDING):
            _close_offer(offer, WaitlistOffer.Status.DECLINED, now)


def _release_hold(hold_id: int, now: dt.datetime) -> None:
    from notifications.outbox import messages_void_pending

    released = Booking.objects.filter(pk=hold_id, status=Booking.Status.HELD).update(
        status=Booking.Status.EXPIRED, updated_at=now
    )
    if released:
        availability_changed()
    messages_void_pending(booking=Booking(pk=hold_id))


def _close_offer(offer: WaitlistOffer, status: str, now: dt.datetime) -> bool:
    """Claim a pending offer for `status` (conditional UPDATE: exactly one caller wins) and
    give its place back."""
    claimed = WaitlistOffer.objects.filter(pk=offer.pk, status=WaitlistOffer.Status.PENDING).update(
        status=status, answered_at=now
    )
    if claimed:
        _release_hold(offer.hold_id, now)
    return bool(claimed)


def waitlist_offer_decline(*, offer: WaitlistOffer, now: dt.datetime | None = None) -> None:
    """She does not want this place: it goes to the next person at the next round."""
    now = now or timezone.now()
    with transaction.atomic():
        if not _close_offer(offer, WaitlistOffer.Status.DECLINED, now):
            raise _error("offer_gone", OFFER_GONE)


def waitlist_offers_expire(*, now: dt.datetime | None = None) -> int:
    """Offers not taken by their expiry: each claimed once (conditional UPDATE), its hold
    released so the place passes on. Returns how many expired."""
    now = now or timezone.now()
    expired = 0
    due = WaitlistOffer.objects.filter(status=WaitlistOffer.Status.PENDING, expires_at__lte=now)
    for offer in due.only("pk", "hold_id"):
        with transaction.atomic():
            expired += _close_offer(offer, WaitlistOffer.Status.EXPIRED, now)
    return expired


def in_civil_hours(now: dt.datetime, tz: dt.tzinfo) -> bool:
    return settings.CIVIL_HOURS_START <= now.astimezone(tz).hour < settings.CIVIL_HOURS_END


def _candidates(entry: WaitlistEntry, now: dt.datetime) -> list[Slot]:
    """Free places that match her entry and are earlier than her booking, earliest first, less
    the places she has been offered before."""
    municipality = entry.municipality
    today = now.astimezone(municipality.tz).date()
    if entry.date_to < today:
        return []
    current = _current_booking(entry.pregnancy, entry.contact)
    offered = {(o.site_id, o.start) for o in entry.offers.all()}
    slots = open_slots(
        municipality=municipality,
        interview_type=entry.interview_type,
        date_from=max(entry.date_from, today),
        date_to=entry.date_to,
        site_ids=[s.pk for s in entry.sites.all()],
        now=now,
    )
    return [
        s
        for s in slots
        if (s.site_id, s.start) not in offered and (current is None or s.start < current.start)
    ]


def _offer(entry: WaitlistEntry, now: dt.datetime) -> WaitlistOffer | None:
    """Inside a transaction holding the entry's row lock: hold her earliest matching place and
    record the offer with its message. None when nothing matches now."""
    from notifications.waitlist_offers import queue_offer

    sites = {s.pk: s for s in entry.sites.all()}
    for slot in _candidates(entry, now)[:CANDIDATES_PER_ENTRY]:
        try:
            with transaction.atomic():
                hold = booking_hold(
                    site=sites[slot.site_id],
                    interview_type=entry.interview_type,
                    start=slot.start,
                    contact=entry.contact,
                    hold_owner=f"waitlist:{entry.pk}",
                    now=now,
                )
        except DomainError:
            continue  # taken since the read: try her next place
        expires_at = now + dt.timedelta(minutes=OFFER_MINUTES)
        Booking.objects.filter(pk=hold.pk).update(expires_at=expires_at)
        offer = WaitlistOffer.objects.create(
            entry=entry,
            hold=hold,
            site=sites[slot.site_id],
            start=slot.start,
            created_at=now,
            expires_at=expires_at,
        )
        queue_offer(offer)
        return offer
    return None


def waitlist_offers_make(*, now: dt.datetime | None = None) -> int:
    """Offer free places to the people waiting, in the order they asked, one place per person
    and one person per place. Only in civil hours: the message goes at once, so her time to
    answer starts when she can read it. Returns how many offers were made."""
    now = now or timezone.now()
    made = 0
    waiting = (
        WaitlistEntry.objects.filter(status=WaitlistEntry.Status.ACTIVE)
        .exclude(offers__status=WaitlistOffer.Status.PENDING)
        .select_related("municipality", "interview_type__municipality", "pregnancy", "contact")
        .prefetch_related("sites", "offers")
    )
    for entry in waiting:
        if not in_civil_hours(now, entry.municipality.tz):
            continue
        with transaction.atomic():
            # The row lock and the re-check make a second round running at once skip her.
            locked = (
                WaitlistEntry.objects.select_for_update()
                .filter(pk=entry.pk, status=WaitlistEntry.Status.ACTIVE)
                .exclude(offers__status=WaitlistOffer.Status.PENDING)
                .first()
            )
            if locked is None:
                continue
            made += _offer(entry, now) is not None
    return made


def waitlist_offers_round(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """The periodic work: (offers expired, offers made). Idempotent."""
    now = now or timezone.now()
    return waitlist_offers_expire(now=now), waitlist_offers_make(now=now)


OFFER_GONE = _("This offer has ended: the time was kept for you for a short while only.")


@dataclass(frozen=True)
class Accepted:
    booking: Booking
    moved: bool


def waitlist_offer_accept(
    *,
    offer: WaitlistOffer,
    pregnancy: Pregnancy,
    actor: User | None = None,
    now: dt.datetime | None = None,
) -> Accepted:
    """She takes the place: her booking moves there (one reschedule), or, when she had none,
    the hold becomes her booking. All in one transaction with the claim of the offer: if the
    move fails, the offer stays pending and nothing changed."""
    now = now or timezone.now()
    with transaction.atomic():
        if not WaitlistOffer.objects.filter(pk=offer.pk, entry__pregnancy=pregnancy).exists():
            raise _error("offer_gone", OFFER_GONE)
        # No join in the claim: PostgreSQL re-checks a plain WHERE on the row it waited for,
        # but an UPDATE ... WHERE id IN (SELECT ... JOIN ...) keeps the subquery's stale answer,
        # and twenty concurrent taps all "won" (tests/waitlist/test_accept_race_postgres.py).
        claimed = WaitlistOffer.objects.filter(
            pk=offer.pk, status=WaitlistOffer.Status.PENDING, expires_at__gt=now
        ).update(status=WaitlistOffer.Status.ACCEPTED, answered_at=now)
        if not claimed:
            raise _error("offer_gone", OFFER_GONE)
        offer = WaitlistOffer.objects.select_related("entry__contact", "site", "hold").get(
            pk=offer.pk
        )
        entry = offer.entry
        current = _current_booking(pregnancy, entry.contact)
        if current is not None:
            # Free the hold first, so the reschedule finds the place (her nurse, if free).
            _release_hold(offer.hold_id, now)
            booking = booking_reschedule(
                booking=current, start=offer.start, site=offer.site, actor=actor, now=now
            )
        else:
            from notifications.outbox import messages_void_pending

            messages_void_pending(booking=offer.hold)
            resident = pregnancy.resident
            booking = booking_confirm(
                booking=offer.hold,
                pregnancy=pregnancy,
                notify_sms=bool(resident.phone),
                notify_email=bool(resident.email),
                language=pregnancy.preferred_language,
                actor=actor,
                now=now,
            )
        WaitlistOffer.objects.filter(pk=offer.pk).update(booking=booking)
        WaitlistEntry.objects.filter(pk=entry.pk).update(
            status=WaitlistEntry.Status.FULFILLED, closed_at=now
        )
        return Accepted(booking=booking, moved=current is not None)


def places_refilled(
    *,
    site_ids: Iterable[int],
    start_from: dt.datetime | None = None,
    start_before: dt.datetime | None = None,
) -> int:
    """The dashboard's figure: places (interviews starting in the period) taken through an
    accepted offer, after someone else let them go."""
    offers = WaitlistOffer.objects.filter(
        status=WaitlistOffer.Status.ACCEPTED, site_id__in=list(site_ids)
    )
    if start_from is not None:
        offers = offers.filter(start__gte=start_from)
    if start_before is not None:
        offers = offers.filter(start__lt=start_before)
    return offers.count()


__all__ = [
    "places_refilled",
    "waitlist_join",
    "waitlist_leave",
    "waitlist_offer_accept",
    "waitlist_offer_decline",
    "waitlist_offers_expire",
    "waitlist_offers_make",
    "waitlist_offers_round",
]

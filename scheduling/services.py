"""Writes. Each service owns its transaction and raises DomainError with a translatable message.

Double booking: on PostgreSQL the exclusion constraints decide. A hold or a direct booking
runs a short transaction that takes the site's share lock (only a schedule edit excludes it),
reads the site's day, takes the chosen nurse's and room's advisory locks and inserts; an overlap
moves on to the slot's next free nurse (or room). On SQLite, which has no exclusion
constraints, the service re-computes the day inside the IMMEDIATE (serialised) write
transaction. A refusal becomes a clean `slot_unavailable` conflict with the next free
alternatives, computed after the transaction from the cached availability.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from notifications import outbox, webhooks
from yurikago.errors import DomainError

from .availability import (
    Slot,
    availability_changed,
    booking_window,
    cancel_deadline,
    open_slots_cached,
    site_is_open,
)
from .availability.intervals import slot_at
from .contacts import contact_for_interview_type
from .errors import booking_error
from .models import (
    Booking,
    BookingEvent,
    Contact,
    InterviewType,
    Mode,
    Pregnancy,
    Site,
    SiteClosure,
)

if TYPE_CHECKING:
    from .models import User

log = logging.getLogger(__name__)
ALTERNATIVES = 5
# How far alternatives are looked for: enough to offer a choice, small enough that a conflict
# in the 09:00 rush stays cheap.
ALTERNATIVE_DAYS_AT_SITE = 7
ALTERNATIVE_DAYS_ELSEWHERE = 3
# PostgreSQL: how many times a booking tries the slot's next free nurse (or room) after another
# writer took the one it chose between its read of the day and its insert.
PLACE_ATTEMPTS = 4


def alternatives_for(
    *,
    site: Site,
    interview_type: InterviewType,
    start: dt.datetime,
    mode: str,
    now: dt.datetime | None = None,
    count: int = ALTERNATIVES,
    exclude_booking_id: int | None = None,
    own: tuple[int, dt.datetime] | None = None,
) -> list[Slot]:
    """The next free slots from `start` on: at this site first, then elsewhere nearby.

    `own` is the (site id, start) of the booking being moved: never offered back to her.
    Read-only and outside any transaction, so from the cached availability: in a rush the
    losers outnumber the winners nine to one and would otherwise each recompute ten days."""
    now = now or timezone.now()
    day = max(start, now).astimezone(site.municipality.tz).date()
    horizon = day + dt.timedelta(days=ALTERNATIVE_DAYS_AT_SITE)
    found = [
        s
        for s in open_slots_cached(
            municipality=site.municipality,
            interview_type=interview_type,
            date_from=day,
            date_to=horizon,
            site_ids=[site.id],
            mode=mode,
            now=now,
            exclude_booking_id=exclude_booking_id,
        )
        if s.start != start and (s.site_id, s.start) != own
    ][:count]
    if len(found) < count:
        others = open_slots_cached(
            municipality=site.municipality,
            interview_type=interview_type,
            date_from=day,
            date_to=day + dt.timedelta(days=ALTERNATIVE_DAYS_ELSEWHERE),
            mode=mode,
            now=now,
            exclude_booking_id=exclude_booking_id,
        )
        found += [s for s in others if s.site_id != site.id and (s.site_id, s.start) != own][
            : count - len(found)
        ]
    return found


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _lock_site(site: Site) -> Site:
    """The site as it is now, read inside the booking's transaction (its rooms, hours and modes
    decide the slot). PostgreSQL: under a share lock on its row (FOR KEY SHARE, the lock a
    booking's foreign key takes anyway), in the same round trip. Bookings at the site share it,
    so they never queue behind each other; a schedule edit (schedule_services._lock_nurse_sites,
    FOR UPDATE) excludes it, so no booking is placed from hours being removed at that moment.
    Taken before the day's rows are read. SQLite: a plain read (the IMMEDIATE transaction
    already holds the write lock)."""
    if _on_postgresql():
        table = Site._meta.db_table
        fresh = next(
            iter(
                Site.objects.raw(
                    f"SELECT * FROM {table} WHERE id = %s FOR KEY SHARE",  # noqa: S608
                    [site.pk],
                )
            ),
            None,
        )
    else:
        fresh = Site.objects.filter(pk=site.pk).order_by().first()
    if fresh is None:
        raise booking_error("not_found", field="site")
    fresh.municipality = site.municipality  # the same row: no query for it
    return fresh


# Advisory lock namespaces (the two-int form): a nurse, and a room as site * 1000 + room.
_NURSE_LOCK, _ROOM_LOCK = 19_001, 19_002


def _lock_resources(nurse_id: int, site_id: int, room: int | None) -> None:
    """PostgreSQL: take the nurse's and the room's transaction-scoped advisory locks, always
    nurse first, in one round trip.

    The exclusion constraints decide; these locks only make two writers of the same nurse or
    room take turns, so neither waits on the other's uncommitted row inside the constraint's
    check (two such waits are a deadlock). Every writer that puts a booking on a nurse or a room
    (hold, direct booking, confirm, reschedule) takes them before it writes the row. SQLite:
    nothing (the IMMEDIATE transaction already serialises writers)."""
    if not _on_postgresql():
        return
    with connection.cursor() as cursor:
        if room is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_NURSE_LOCK, nurse_id])
        else:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s), pg_advisory_xact_lock(%s, %s)",
                [_NURSE_LOCK, nurse_id, _ROOM_LOCK, site_id * 1000 + room],
            )


def _find_slot(
    *,
    site: Site,
    interview_type: InterviewType,
    start: dt.datetime,
    mode: str,
    now: dt.datetime,
    staff: bool,
    exclude_booking_id: int | None = None,
) -> Slot:
    """The open slot starting at `start`, or the precise reason there is none."""
    # A video or phone interview may come from a nurse's remote hours at a site that has no
    # remote mode of its own (issue 15): the engine below decides whether there is one.
    if (
        mode not in Mode.values
        or mode not in interview_type.modes
        or (mode == Mode.IN_PERSON and site.modes and mode not in site.modes)
    ):
        raise booking_error("mode_unavailable", field="mode")
    if start <= now:
        raise booking_error("in_past", field="start")
    tz = site.municipality.tz
    day = start.astimezone(tz).date()
    earliest, last_day = booking_window(site, interview_type, now)
    if day > last_day or (not staff and start < earliest):
        raise booking_error("outside_window", field="start")
    # This one start only, not the site's day (issue 19): the nurses whose hours yield it and
    # who are free across it, and the rooms free across it, in one round trip on PostgreSQL.
    slot = slot_at(
        site=site,
        interview_type=interview_type,
        start=start,
        mode=mode,
        earliest=now + dt.timedelta(microseconds=1) if staff else max(earliest, now),
        now=now,
        exclude_booking_id=exclude_booking_id,
    )
    if slot is not None and slot.capacity > 0:
        return slot
    # Only on the way out: a closed day deserves its own message, not "taken".
    closures = SiteClosure.objects.filter(
        municipality=site.municipality, date_from__lte=day, date_to__gte=day
    )
    if mode == Mode.IN_PERSON and not site_is_open(site, day, closures):
        raise booking_error("closed", field="start")
    raise booking_error("slot_unavailable", field="start")


def _conflict(
    error: DomainError | None,
    site: Site,
    interview_type: InterviewType,
    start: dt.datetime,
    mode: str,
    now: dt.datetime,
    exclude_booking_id: int | None = None,
    own: tuple[int, dt.datetime] | None = None,
) -> DomainError:
    """The conflict with alternatives attached: computed after the transaction has ended, so
    the search never runs while a lock is held."""
    error = error or booking_error("slot_unavailable", field="start")
    if error.code == "slot_unavailable" and not error.alternatives:
        error.alternatives = alternatives_for(
            site=site,
            interview_type=interview_type,
            start=start,
            mode=mode,
            now=now,
            exclude_booking_id=exclude_booking_id,
            own=own,
        )
    return error


def _event(booking: Booking, kind: str, actor: User | None, staff: bool, **data: object) -> None:
    BookingEvent.objects.create(
        booking=booking, kind=kind, actor=actor, actor_is_staff=staff, data=data
    )
    # Integrators' webhooks for the events they subscribed to: one INSERT, in this transaction.
    webhooks.webhooks_queue_for_booking(booking=booking, kind=kind)


@dataclass(frozen=True)
class _Direct:
    """What booking directly adds to a hold: the row is written confirmed, in one INSERT."""

    pregnancy: Pregnancy
    notify_sms: bool
    notify_email: bool
    language: str


def _write(
    *,
    site: Site,
    interview_type: InterviewType,
    slot: Slot,
    nurse_id: int,
    room: int | None,
    now: dt.datetime,
    staff: bool,
    actor: User | None,
    hold_owner: str,
    channel: str,
    contact: Contact | None,
    direct: _Direct | None,
) -> Booking:
    """Inside a transaction: insert the booking (held, or confirmed when booking directly) with
    its event and, for a direct booking, its confirmation and reminders (one INSERT)."""
    booking = Booking(
        municipality=site.municipality,
        site=site,
        nurse_id=nurse_id,
        interview_type=interview_type,
        mode=slot.mode,
        room=room,
        start=slot.start,
        end=slot.end,
        blocked_until=slot.end + interview_type.buffer,
        status=Booking.Status.HELD,
        expires_at=now + dt.timedelta(minutes=interview_type.hold_minutes),
        created_by=actor if actor and actor.is_authenticated else None,
        hold_owner=hold_owner,
        channel=channel,
        contact=contact,
    )
    placed = {"start": slot.start.isoformat(), "nurse": nurse_id, "site": site.pk}
    if direct is None:
        booking.save(force_insert=True)
        _event(booking, BookingEvent.Kind.HELD, actor, staff, **placed)
    else:
        booking.pregnancy = direct.pregnancy
        booking.status = Booking.Status.CONFIRMED
        booking.expires_at = None
        booking.confirmed_at = now
        booking.notify_sms, booking.notify_email = direct.notify_sms, direct.notify_email
        booking.language = direct.language
        booking.save(force_insert=True)
        _event(booking, BookingEvent.Kind.CONFIRMED, actor, staff, channel=channel, **placed)
        outbox.messages_queue_for_booking(booking=booking, purpose="confirmation", now=now)
    availability_changed()
    return booking


def _overlap(exc: IntegrityError) -> str | None:
    """Which exclusion constraint refused the row: "nurse", "room", or None (another one)."""
    name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or str(exc)
    if "no_nurse_double_booking" in name:
        return "nurse"
    if "no_room_double_booking" in name:
        return "room"
    return None


def _place(
    *,
    site: Site,
    interview_type: InterviewType,
    start: dt.datetime,
    mode: str,
    now: dt.datetime,
    staff: bool,
    actor: User | None,
    hold_owner: str,
    channel: str,
    contact: Contact | None = None,
    direct: _Direct | None = None,
) -> Booking:
    """Find the slot and insert the booking for its first free nurse (and room); owns its
    transaction.

    PostgreSQL: the exclusion constraints decide, and nothing serialises the site. A short
    transaction takes the site's share lock (only a schedule edit excludes it), checks the one
    start asked for (the nurses and rooms free across it, not the site's whole day), takes the
    chosen nurse's and room's advisory locks (writers of the same nurse or room take turns,
    never deadlock inside the constraint's check) and inserts; when another writer took that
    nurse (or room) in between, the next transaction tries the slot's next free one. A hold
    that expired but was not yet swept also trips the constraint: then expired holds are swept
    (once) and the same nurse tried again, so the sweep costs nothing on the usual path.
    SQLite (no exclusion constraints): the same check inside the IMMEDIATE transaction, which
    serialises every writer, and the first nurse and room are taken."""
    write = partial(
        _write,
        interview_type=interview_type,
        now=now,
        staff=staff,
        actor=actor,
        hold_owner=hold_owner,
        channel=channel,
        contact=contact,
        direct=direct,
    )
    find = partial(_find_slot, interview_type=interview_type, start=start, mode=mode, now=now)
    if not _on_postgresql():
        with transaction.atomic():
            fresh = _lock_site(site)
            slot = find(site=fresh, staff=staff)
            first_room = slot.free_rooms[0] if mode == Mode.IN_PERSON else None
            return write(site=fresh, slot=slot, nurse_id=slot.nurse_ids[0], room=first_room)
    taken_nurses: set[int] = set()
    taken_rooms: set[int | None] = set()
    swept = False
    for _attempt in range(PLACE_ATTEMPTS):
        nurse: int | None = None
        room: int | None = None
        try:
            with transaction.atomic():
                fresh = _lock_site(site)
                slot = find(site=fresh, staff=staff)
                nurse = next((n for n in slot.nurse_ids if n not in taken_nurses), None)
                rooms: tuple[int | None, ...] = (
                    slot.free_rooms if mode == Mode.IN_PERSON else (None,)
                )
                room = next((r for r in rooms if r not in taken_rooms), None)
                if nurse is None or (room is None and mode == Mode.IN_PERSON):
                    break
                _lock_resources(nurse, site.pk, room)
                return write(site=fresh, slot=slot, nurse_id=nurse, room=room)
        except IntegrityError as exc:
            taken = _overlap(exc)
            if taken is None or nurse is None:
                raise
            if not swept:
                swept = True
                if holds_sweep_expired(now=now):
                    continue  # an expired hold was in the way: the same nurse and room again
            if taken == "nurse":
                taken_nurses.add(nurse)
            else:
                taken_rooms.add(room)
    raise booking_error("slot_unavailable", field="start")


def _contact_for(interview_type: InterviewType, contact: Contact | None) -> Contact | None:
    """The contact a booking is for: the one asked for (booked through this interview type), else
    the first contact booked through the type; None where no contact is configured."""
    if contact is None:
        return contact_for_interview_type(interview_type)
    if contact.interview_type_id != interview_type.pk or not contact.is_active:
        raise booking_error("not_found", field="contact")
    return contact


def _same_contact(pregnancy: Pregnancy, booking: Booking, now: dt.datetime) -> bool:
    """Does the pregnancy already have another active booking for this booking's contact?"""
    others = Booking.objects.active(now).filter(pregnancy=pregnancy).exclude(pk=booking.pk)
    if booking.contact_id is None:
        return others.filter(contact__isnull=True).exists()
    return others.filter(contact_id=booking.contact_id).exists()


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
    contact = _contact_for(interview_type, contact)
    # Expired holds are swept by the beat task, and by _place when one is in the way.
    error: DomainError | None = None
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
        )
    except IntegrityError:
        log.info("hold conflict at site=%s start=%s", site.pk, start.isoformat())
    except DomainError as exc:
        if exc.code != "slot_unavailable":
            raise
        error = exc
    raise _conflict(error, site, interview_type, start, mode, now)


def _confirm(
    booking: Booking,
    *,
    pregnancy: Pregnancy,
    notify_sms: bool,
    notify_email: bool,
    language: str,
    actor: User | None,
    staff: bool,
    now: dt.datetime,
) -> Booking:
    if _same_contact(pregnancy, booking, now):
        raise booking_error("already_booked")
    booking.pregnancy = pregnancy
    booking.status = Booking.Status.CONFIRMED
    booking.expires_at = None
    booking.confirmed_at = now
    booking.notify_sms, booking.notify_email = notify_sms, notify_email
    booking.language = language
    booking.save()
    _event(booking, BookingEvent.Kind.CONFIRMED, actor, staff, channel=booking.channel)
    # A confirmed place no longer frees itself when the hold would have expired.
    availability_changed()
    outbox.messages_queue_for_booking(booking=booking, purpose="confirmation", now=now)
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
            # The booking row only (see _lock_for_change).
            locked = (
                Booking.objects.select_for_update(of=("self",))
                .select_related("site__municipality", "interview_type")
                .get(pk=booking.pk)
            )
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
            _lock_resources(locked.nurse_id, locked.site_id, locked.room)
            return _confirm(
                locked,
                pregnancy=pregnancy,
                notify_sms=notify_sms,
                notify_email=notify_email,
                language=language,
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
    contact = _contact_for(interview_type, contact)
    error: DomainError | None = None
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
            direct=_Direct(pregnancy, notify_sms, notify_email, language),
        )
    except IntegrityError as exc:
        if "pregnancy" in str(exc) or "one_active_" in str(exc):
            raise booking_error("already_booked") from None
    except DomainError as exc:
        if _has_active_booking(pregnancy, contact, now):
            raise booking_error("already_booked") from None
        if exc.code != "slot_unavailable":
            raise
        error = exc
    raise _conflict(error, site, interview_type, start, mode, now)


def _has_active_booking(pregnancy: Pregnancy, contact: Contact | None, now: dt.datetime) -> bool:
    active = Booking.objects.active(now).filter(pregnancy=pregnancy)
    return (
        active.filter(contact=contact) if contact else active.filter(contact__isnull=True)
    ).exists()


def booking_release_hold(*, booking: Booking, actor: User | None = None) -> None:
    """The resident went back or picked another time: free the hold now, not in ten minutes."""
    with transaction.atomic():
        updated = Booking.objects.filter(pk=booking.pk, status=Booking.Status.HELD).update(
            status=Booking.Status.EXPIRED, updated_at=timezone.now()
        )
        if updated:
            _event(booking, BookingEvent.Kind.RELEASED, actor, False)
            availability_changed()


def _check_deadline(booking: Booking, staff: bool, now: dt.datetime) -> None:
    if staff:
        return
    deadline = cancel_deadline(booking.municipality, booking.interview_type, booking.start)
    if now > deadline:
        raise booking_error("deadline_passed")


def _lock_for_change(booking: Booking) -> Booking:
    # of=("self",): the booking row only. A bare FOR UPDATE also locks the joined municipality,
    # site and type rows, which blocks every booking insert in the municipality (its foreign
    # keys take key-share locks on them) and deadlocked a reschedule against a booking at the
    # same site: it held the municipality and waited for the site, the other the reverse.
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("municipality", "site__municipality", "interview_type")
        .get(pk=booking.pk)
    )


def booking_cancel(
    *,
    booking: Booking,
    actor: User | None = None,
    reason: str = "",
    staff: bool = False,
    now: dt.datetime | None = None,
) -> Booking:
    """Cancel, void her pending reminders and queue the notice, in one transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_for_change(booking)
        if locked.status == Booking.Status.CANCELLED:
            return locked
        if locked.status != Booking.Status.CONFIRMED:
            raise booking_error("invalid_state")
        _check_deadline(locked, staff, now)
        locked.status = Booking.Status.CANCELLED
        locked.cancelled_at = now
        locked.cancel_reason = reason[:300]
        locked.sequence += 1
        locked.save()
        availability_changed()
        _event(
            locked,
            BookingEvent.Kind.CANCELLED,
            actor,
            staff,
            late=now > cancel_deadline(locked.municipality, locked.interview_type, locked.start),
        )
        outbox.messages_void_pending(booking=locked)
        outbox.messages_queue_for_booking(booking=locked, purpose="cancellation", now=now)
        return locked


def booking_reschedule(
    *,
    booking: Booking,
    start: dt.datetime,
    site: Site | None = None,
    mode: str | None = None,
    actor: User | None = None,
    staff: bool = False,
    now: dt.datetime | None = None,
) -> Booking:
    """Move a booking. The new time is secured in the same transaction that releases the old,
    so she never ends up with neither; reference and calendar UID stay, SEQUENCE rises."""
    now = now or timezone.now()
    holds_sweep_expired(now=now)
    try:
        with transaction.atomic():
            locked = _lock_for_change(booking)
            if locked.status != Booking.Status.CONFIRMED:
                raise booking_error("invalid_state")
            _check_deadline(locked, staff, now)
            new_site = site or locked.site
            new_mode = mode or locked.mode
            if new_site.municipality_id != locked.municipality_id:
                raise booking_error("not_found", field="site")
            new_site = _lock_site(new_site)
            slot = _find_slot(
                site=new_site,
                interview_type=locked.interview_type,
                start=start,
                mode=new_mode,
                now=now,
                staff=staff,
                exclude_booking_id=locked.pk,
            )
            tz = locked.municipality.tz
            old = {
                "start": locked.start.astimezone(tz).isoformat(),
                "site": locked.site_id,
                "nurse": locked.nurse_id,
            }
            # Keep her nurse when she is free at the new time.
            nurse_id = locked.nurse_id if locked.nurse_id in slot.nurse_ids else slot.nurse_ids[0]
            locked.site, locked.nurse_id, locked.mode = new_site, nurse_id, new_mode
            locked.room = slot.free_rooms[0] if new_mode == Mode.IN_PERSON else None
            _lock_resources(nurse_id, new_site.pk, locked.room)
            locked.start, locked.end = slot.start, slot.end
            locked.blocked_until = slot.end + locked.interview_type.buffer
            locked.sequence += 1
            locked.calendar_conflict = False
            locked.save()
            availability_changed()
            _event(
                locked,
                BookingEvent.Kind.RESCHEDULED,
                actor,
                staff,
                old=old,
                new={
                    "start": slot.start.astimezone(tz).isoformat(),
                    "site": new_site.pk,
                    "nurse": nurse_id,
                },
            )
            outbox.messages_void_pending(booking=locked)
            outbox.messages_queue_for_booking(booking=locked, purpose="reschedule", now=now)
            return locked
    except IntegrityError:
        error = None
    except DomainError as exc:
        if exc.code != "slot_unavailable":
            raise
        error = exc
    raise _conflict(
        error,
        site or booking.site,
        booking.interview_type,
        start,
        mode or booking.mode,
        now,
        booking.pk,
        own=(booking.site_id, booking.start),
    )


def booking_mark_attendance(
    *, booking: Booking, attended: bool, actor: User, now: dt.datetime | None = None
) -> Booking:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_for_change(booking)
        if locked.status not in (
            Booking.Status.CONFIRMED,
            Booking.Status.ATTENDED,
            Booking.Status.NO_SHOW,
        ):
            raise booking_error("invalid_state")
        if (
            locked.start.astimezone(locked.municipality.tz).date()
            > now.astimezone(locked.municipality.tz).date()
        ):
            raise booking_error("invalid_state")
        if not attended and now < locked.start:  # until it starts she may still come
            raise booking_error("not_started")
        locked.status = Booking.Status.ATTENDED if attended else Booking.Status.NO_SHOW
        locked.save(update_fields=["status", "updated_at"])
        availability_changed()  # attended and no-show no longer occupy the time
        _event(
            locked,
            BookingEvent.Kind.ATTENDED if attended else BookingEvent.Kind.NO_SHOW,
            actor,
            True,
        )
        outbox.messages_void_pending(booking=locked)
        if not attended:
            # Issue 16: "we missed you, choose a new time", with her link, in this transaction.
            from .invitation_services import invitation_missed_queue

            invitation_missed_queue(booking=locked, now=now)
        return locked


def holds_sweep_expired(*, now: dt.datetime | None = None) -> int:
    """Mark expired holds so they stop counting anywhere; returns how many."""
    now = now or timezone.now()
    swept = Booking.objects.filter(status=Booking.Status.HELD, expires_at__lte=now).update(
        status=Booking.Status.EXPIRED, updated_at=now
    )
    if swept:
        # Reads already ignore expired holds; this only ends a cached entry computed before
        # the expiry sooner than its TTL would.
        availability_changed()
    return swept

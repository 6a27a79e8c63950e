"""Placing a booking row: the one start's check, the locks and the insert (issue 19).

PostgreSQL: the exclusion constraints decide. A short transaction reads the site under its share
lock, checks the one start asked for (scheduling/availability/intervals.py: the nurses and rooms
free across it, in one round trip), takes the chosen nurse's and room's advisory locks and
inserts; an overlap moves on to the slot's next free nurse (or room). SQLite, which has no
exclusion constraints: the same check inside the IMMEDIATE (serialised) write transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import cache, partial
from typing import TYPE_CHECKING

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from psycopg.types.numeric import Int8

from notifications import outbox, webhooks
from yurikago.db import prepared_cursor
from yurikago.errors import DomainError

from .availability import Slot, availability_changed, booking_window, site_is_open
from .availability.intervals import (
    DayRows,
    ForTheBooking,
    booking_reads_locked,
    day_rows_for,
    lock_not_available,
    slot_at,
)
from .booking_alternatives import RefusingRead
from .booking_insert import booking_confirm_update, booking_insert
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
    from .models import Resident, User

# PostgreSQL: how many times a booking tries the slot's next free nurse (or room) after another
# writer took the one it chose between its read of the day and its insert.
PLACE_ATTEMPTS = 4


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


def _lock_keys(nurse_id: int, site_id: int, room: int | None) -> tuple[tuple[int, int], ...]:
    """The advisory locks of a nurse and (in person) a room, nurse first."""
    nurse = (_NURSE_LOCK, nurse_id)
    return (nurse,) if room is None else (nurse, (_ROOM_LOCK, site_id * 1000 + room))


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
    keys = _lock_keys(nurse_id, site_id, room)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("pg_advisory_xact_lock(%s, %s)" for _ in keys),
            [k for pair in keys for k in pair],
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
    day_rows: DayRows | None = None,
) -> Slot:
    """The open slot starting at `start`, or the precise reason there is none. `day_rows`: the
    day's rows when the caller read them with the site (site_and_day_locked)."""
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
        day_rows=day_rows,
    )
    if slot is not None and slot.capacity > 0:
        return slot
    # Only on the way out: a closed day deserves its own message, not "taken". The day's rows,
    # when read with the site, already say whether a closure covers it (no query for a loser).
    if mode == Mode.IN_PERSON:
        if day_rows is not None:
            closed = day_rows[1] or not site_is_open(site, day)
        else:
            closures = SiteClosure.objects.filter(
                municipality=site.municipality, date_from__lte=day, date_to__gte=day
            )
            closed = not site_is_open(site, day, closures)
        if closed:
            raise booking_error("closed", field="start")
    raise booking_error("slot_unavailable", field="start")


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
    # Her channels (LINE, SMS unless STOPped, email): on PostgreSQL from the transaction's one
    # read (intervals.booking_reads_locked); None: read by messages_for_booking (SQLite).
    channels: list[tuple[str, str]] | None = None


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
    contact: Contact | int | None,
    direct: _Direct | None,
) -> Booking:
    """Inside a transaction: insert the booking (held, or confirmed when booking directly) with
    its event and, for a direct booking, its confirmation and reminders (_record)."""
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
    )
    if isinstance(contact, Contact):
        booking.contact = contact
    else:
        booking.contact_id = contact
    placed: dict[str, object] = {
        "start": slot.start.isoformat(),
        "nurse": nurse_id,
        "site": site.pk,
    }
    kind = BookingEvent.Kind.HELD
    messages: list[outbox.Owed] = []
    if direct is not None:
        booking.pregnancy = direct.pregnancy
        booking.status = Booking.Status.CONFIRMED
        booking.expires_at = None
        booking.confirmed_at = now
        booking.notify_sms, booking.notify_email = direct.notify_sms, direct.notify_email
        booking.language = direct.language
        kind = BookingEvent.Kind.CONFIRMED
        placed = {"channel": channel, **placed}
        messages = outbox.messages_owed(
            booking=booking, purpose="confirmation", now=now, channels=direct.channels
        )
    _record(booking, kind=kind, actor=actor, staff=staff, data=placed, messages=messages)
    return booking


def _record(
    booking: Booking,
    *,
    kind: BookingEvent.Kind,
    actor: User | None,
    staff: bool,
    data: dict[str, object],
    messages: list[outbox.Owed],
    confirming: bool = False,
) -> None:
    """Write `booking` (new, or its hold `confirming`) with its event, its integrators'
    webhooks and the `messages` it owes her, inside the caller's transaction. PostgreSQL: one
    statement, after the nurse's and room's advisory locks (booking_insert.py); SQLite: the
    ORM's writes (its IMMEDIATE transaction already serialises writers)."""
    if _on_postgresql():
        write = booking_confirm_update if confirming else booking_insert
        # The sites whose answers it ends come back from the write itself: none read after
        # commit (issue 19, fifth round).
        affected = write(
            booking=booking,
            event=BookingEvent(kind=kind, actor=actor, actor_is_staff=staff, data=data),
            webhook_event=webhooks.EVENT_FOR_KIND.get(kind),
            messages=messages,
            lock_keys=_lock_keys(booking.nurse_id, booking.site_id, booking.room),
        )
    else:
        affected = None
        booking.save(force_insert=not confirming)
        _event(booking, kind, actor, staff, **data)
        outbox.messages_queue(outbox.messages_from_owed(booking, messages))
    # A hold confirmed changes no open slot: its place was taken while held, and is confirmed
    # only before the hold expires (booking_confirm), so every answer computed while it was
    # held still holds (issue 19, fifth round: in a rush, half the writes are confirmations,
    # and each ended the site's and municipality's answers for nothing).
    if not confirming:
        availability_changed(site_id=booking.site_id, nurse_id=booking.nurse_id, sites=affected)


def _her_resident_and_phone(direct: _Direct | None) -> tuple[int | None, str | None]:
    """What the transaction's one read needs to tell her LINE user and her number's STOP: her
    resident's id and phone, None when she has none or asked for no SMS (not read then)."""
    if direct is None or not direct.notify_sms or direct.pregnancy.resident_id is None:
        return None, None
    return direct.pregnancy.resident_id, direct.pregnancy.resident.phone


def _with_channels(direct: _Direct, extra: ForTheBooking) -> _Direct:
    return replace(
        direct,
        channels=outbox.pregnancy_channels(
            direct.pregnancy,
            notify_sms=direct.notify_sms,
            notify_email=direct.notify_email,
            line_and_stop=(extra.line_user, extra.sms_stopped),
        ),
    )


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
    contact_of_type: bool = False,
    direct: _Direct | None = None,
    seen: RefusingRead | None = None,
) -> Booking:
    """Find the slot and insert the booking for its first free nurse (and room); owns its
    transaction. `contact_of_type`: no contact was asked for, so the booking is for the
    interview type's first active contact (if any), read inside the transaction. `seen`: where
    a refusal by the check leaves what its transaction read of the day (PostgreSQL), for the
    alternatives.

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
    )
    find = partial(_find_slot, interview_type=interview_type, start=start, mode=mode, now=now)
    if not _on_postgresql():
        if contact_of_type:
            contact = contact_for_interview_type(interview_type)
        with transaction.atomic():
            fresh = _lock_site(site)
            slot = find(site=fresh, staff=staff)
            first_room = slot.free_rooms[0] if mode == Mode.IN_PERSON else None
            return write(
                site=fresh,
                slot=slot,
                nurse_id=slot.nurse_ids[0],
                room=first_room,
                contact=contact,
                direct=direct,
            )
    # What the write needs is read in the transaction (issue 19): the type's contact and her
    # LINE user and STOP come with the site and the day, in the transaction's one read.
    resident_id, phone = _her_resident_and_phone(direct)
    day = start.astimezone(site.municipality.tz).date()
    reads = partial(
        booking_reads_locked,
        site,
        day,
        now,
        contact_of_type=interview_type.pk if contact_of_type else None,
        resident_id=resident_id,
        phone=phone,
        pregnancy_id=None if direct is None else direct.pregnancy.pk,
        contact_id=None if contact is None else contact.pk,
    )
    if seen is not None and direct is None:
        # A hold asks first, in one statement outside any transaction, whether its start is
        # free (issue 19, seventh round). In a rush the refused outnumber the held nine to one,
        # and a refusal then needs no transaction: no BEGIN and COMMIT, no share lock on the
        # site's row (a tuple lock, so a transaction id, each time). The answer is the
        # database's as of this statement, as the transaction's read would be; a start found
        # free is checked again below, under the site's lock, and the constraints decide. A
        # hold that is granted costs this one read more (tests/scheduling/test_booking_queries).
        early = day_rows_for(site, day, now)
        try:
            find(site=site, staff=staff, day_rows=early)
        except DomainError:
            seen.site, seen.day, seen.day_rows = site, day, early
            raise
    taken_nurses: set[int] = set()
    taken_rooms: set[int | None] = set()
    swept = False
    wait = False  # for the site's lock: only once a schedule edit was found holding it
    for _attempt in range(PLACE_ATTEMPTS):
        nurse: int | None = None
        room: int | None = None
        refusal: DomainError | None = None
        try:
            with transaction.atomic():
                # The site under its share lock, the day's rows, the type's contact, her LINE
                # user and STOP: one round trip.
                now_site, day_rows, extra = reads(wait=wait)
                if seen is not None and direct is not None:
                    seen.already_booked = extra.already_booked
                try:
                    if now_site is None:
                        raise booking_error("not_found", field="site")
                    slot = find(site=now_site, staff=staff, day_rows=day_rows)
                except DomainError as exc:
                    # Refused by the check, nothing written: the transaction ends without a
                    # rollback, which would make psycopg forget (DEALLOCATE ALL) the
                    # connection's prepared statements, so that in a rush every refusal made
                    # the next booking there parse and plan again.
                    refusal = exc
                    if seen is not None:
                        seen.site, seen.day, seen.day_rows = now_site, day, day_rows
                else:
                    nurse = next((n for n in slot.nurse_ids if n not in taken_nurses), None)
                    rooms: tuple[int | None, ...] = (
                        slot.free_rooms if mode == Mode.IN_PERSON else (None,)
                    )
                    room = next((r for r in rooms if r not in taken_rooms), None)
                    if nurse is not None and (room is not None or mode != Mode.IN_PERSON):
                        return write(
                            site=now_site,
                            slot=slot,
                            nurse_id=nurse,
                            room=room,
                            contact=_contact_read(contact, extra),
                            direct=direct if direct is None else _with_channels(direct, extra),
                        )
        except OperationalError as exc:
            # A schedule edit holds the site: read again once its lock is ours, after the edit
            # (the rollback costs the connection's prepared statements; edits are rare).
            if wait or not lock_not_available(exc):
                raise
            wait = True
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
        else:
            # Nothing written: refused by the check, or every free nurse (room) of the slot
            # was taken by another writer since.
            if refusal is not None:
                raise refusal
            break
    raise booking_error("slot_unavailable", field="start")


def _contact_read(contact: Contact | None, extra: ForTheBooking) -> Contact | int | None:
    """The contact asked for, else the id of the type's first active one as read (a booking's
    write and its payloads need no more; `booking.contact` reads the row if ever asked)."""
    return contact if contact is not None else extra.contact_id


# The hold confirmed, under its row lock, with her LINE user and her number's STOP (issue 19,
# sixth round): one prepared statement instead of the ORM's select_related + annotations, which
# compiled ~1 ms of SQL per confirmation. Her LINE user and STOP are asked with NULL parameters
# when not wanted (no resident, no SMS): the statement's text stays fixed, so it is prepared once.
@cache
def _hold_locked_sql() -> str:
    from notifications.outbox import LINE_USER_SQL, SMS_STOPPED_SQL

    qn = connection.ops.quote_name
    columns = ", ".join(f"b.{qn(str(f.column))}" for f in Booking._meta.concrete_fields)
    return (
        f"SELECT {columns}, {LINE_USER_SQL}, {SMS_STOPPED_SQL}"  # noqa: S608 (model names)
        f" FROM {qn(Booking._meta.db_table)} b WHERE b.id = %(booking)s FOR UPDATE OF b"
    )


def _config_loaded(hold: Booking) -> bool:
    """Whether the caller read `hold` with its site, the site's municipality and its interview
    type (access_api_hold, access_hold do)."""
    return (
        Booking.site.is_cached(hold)
        and Booking.interview_type.is_cached(hold)
        and hold.site is not None
        and Site.municipality.is_cached(hold.site)
    )


def hold_locked(
    hold: Booking, *, resident: Resident | None, notify_sms: bool
) -> tuple[Booking, tuple[str, bool] | None]:
    """Inside the confirmation's transaction: the booking row of `hold` as it is now, under its
    row lock (FOR UPDATE OF the booking only), with its site and municipality and interview
    type, and her LINE user and STOP (None when not asked: no resident, or no SMS wanted, as
    outbox.line_and_stop_annotations). Raises Booking.DoesNotExist when the row is gone.

    PostgreSQL, with the hold read with its site, municipality and type: the booking's columns
    only, and the caller's site and type kept when they are the locked row's (configuration,
    read a few milliseconds before, as the ORM's join read it unlocked before too)."""
    if not _on_postgresql() or not _config_loaded(hold):
        locked = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("site__municipality", "interview_type")
            .annotate(**outbox.line_and_stop_annotations(resident, notify_sms=notify_sms))
            .get(pk=hold.pk)
        )
        return locked, outbox.line_and_stop_read(locked)
    asked = resident is not None and notify_sms
    fields = Booking._meta.concrete_fields
    with prepared_cursor() as cursor:
        cursor.execute(
            _hold_locked_sql(),
            {
                # As bigint whatever their size: psycopg sends a small int as smallint, and a
                # statement is prepared once per parameter types.
                "booking": Int8(hold.pk),
                "resident": Int8(resident.pk) if asked and resident is not None else None,
                "phone": resident.phone if asked and resident is not None else None,
            },
        )
        row = cursor.fetchone()
    if row is None:
        raise Booking.DoesNotExist
    locked = Booking.from_db(
        connection.alias, [f.attname for f in fields], list(row[: len(fields)])
    )
    if locked.site_id == hold.site_id:
        locked.site = hold.site
    else:  # moved since the caller's read: its own site
        locked.site = Site.objects.select_related("municipality").get(pk=locked.site_id)
    if locked.interview_type_id == hold.interview_type_id:
        locked.interview_type = hold.interview_type
    else:
        locked.interview_type = InterviewType.objects.get(pk=locked.interview_type_id)
    line_user, sms_stopped = row[len(fields) :]
    return locked, ((line_user or "", bool(sms_stopped)) if asked else None)


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

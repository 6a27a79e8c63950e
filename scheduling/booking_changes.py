"""Changing a booking: release a hold, cancel, reschedule, mark attendance. Each owns its
transaction and locks the booking row only."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications import outbox
from yurikago.errors import DomainError

from .availability import availability_changed, cancel_deadline
from .booking_alternatives import _conflict
from .booking_placement import (
    _event,
    _find_slot,
    _lock_resources,
    _lock_site,
    holds_sweep_expired,
)
from .errors import booking_error
from .models import Booking, BookingEvent, Mode, Site

if TYPE_CHECKING:
    from .models import User


def booking_release_hold(*, booking: Booking, actor: User | None = None) -> None:
    """The resident went back or picked another time: free the hold now, not in ten minutes."""
    with transaction.atomic():
        updated = Booking.objects.filter(pk=booking.pk, status=Booking.Status.HELD).update(
            status=Booking.Status.EXPIRED, updated_at=timezone.now()
        )
        if updated:
            _event(booking, BookingEvent.Kind.RELEASED, actor, False)
            availability_changed(site_id=booking.site_id, nurse_id=booking.nurse_id)


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
        availability_changed(site_id=locked.site_id, nurse_id=locked.nurse_id)
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
            availability_changed(site_id=locked.site_id, nurse_id=locked.nurse_id)  # the old
            locked.site, locked.nurse_id, locked.mode = new_site, nurse_id, new_mode
            locked.room = slot.free_rooms[0] if new_mode == Mode.IN_PERSON else None
            _lock_resources(nurse_id, new_site.pk, locked.room)
            locked.start, locked.end = slot.start, slot.end
            locked.blocked_until = slot.end + locked.interview_type.buffer
            locked.sequence += 1
            locked.calendar_conflict = False
            locked.save()
            availability_changed(site_id=locked.site_id, nurse_id=locked.nurse_id)
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
        availability_changed(site_id=locked.site_id, nurse_id=locked.nurse_id)  # no longer taken
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

"""Cancelling and moving a home visit (issue 15), by her or by staff.

- She may change her visit until the day before it (on the day she calls: the nurse may already
  be on her way); staff may change any visit still arranged.
- Cancelling frees its place in the block at once (capacity counts arranged visits only).
- Moving asks again for a morning or an afternoon: it goes into a block of her district with room
  that day and half (as when she first asked, travel time included), its time is to be confirmed
  again by that block's nurse, and the old block's place is freed. One row throughout, so the
  one-active-visit-per-contact constraint holds. No block with room: refused, nothing changed.
- Either way a time message not yet sent is taken back and she is told, through the outbox, in
  civil hours (notifications.home_visits), in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yurikago.errors import DomainError

from .home_visit_models import HomeVisit
from .home_visit_services import ACTIVE, block_with_room, her_district

log = logging.getLogger(__name__)


def _locked(visit: HomeVisit, *, by_staff: bool, now: dt.datetime) -> HomeVisit:
    locked = (
        HomeVisit.objects.select_for_update(of=("self",))
        .select_related("block", "contact", "pregnancy__resident__municipality")
        .get(pk=visit.pk)
    )
    if locked.status not in ACTIVE:
        raise DomainError("invalid_state", _("This visit can no longer be changed."))
    today = now.astimezone(locked.pregnancy.resident.municipality.tz).date()
    if not by_staff and locked.date <= today:
        raise DomainError(
            "too_late", _("On the day of the visit, please call us to change or cancel it.")
        )
    return locked


def home_visit_cancel(
    *, visit: HomeVisit, by_staff: bool, now: dt.datetime | None = None
) -> HomeVisit:
    from notifications.home_visits import queue_visit_change

    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(visit, by_staff=by_staff, now=now)
        locked.status = HomeVisit.Status.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        queue_visit_change(locked, "cancelled", now)
    log.info("home visit %s cancelled (by staff: %s)", locked.pk, by_staff)
    return locked


def home_visit_move(
    *,
    visit: HomeVisit,
    date: dt.date,
    half: str,
    by_staff: bool,
    now: dt.datetime | None = None,
) -> HomeVisit:
    from notifications.home_visits import queue_visit_change

    now = now or timezone.now()
    if half not in HomeVisit.Half.values:
        raise DomainError("invalid", _("Choose morning or afternoon."), field="half")
    with transaction.atomic():
        locked = _locked(visit, by_staff=by_staff, now=now)
        resident = locked.pregnancy.resident
        tz = resident.municipality.tz
        if date <= now.astimezone(tz).date():
            raise DomainError("in_past", _("Choose a day from tomorrow on."), field="date")
        district = her_district(resident, locked.contact)
        block = block_with_room(district, date, half, tz, leave_out=locked.pk)
        if block is None:
            raise DomainError(
                "slot_unavailable",
                _("No visits are left on that half-day. Please choose another."),
                field="date",
            )
        locked.block, locked.date, locked.half = block, date, half
        locked.status = HomeVisit.Status.REQUESTED
        locked.start = locked.end = None
        locked.save(update_fields=["block", "date", "half", "status", "start", "end", "updated_at"])
        queue_visit_change(locked, "moved", now)
    log.info("home visit %s moved (by staff: %s)", locked.pk, by_staff)
    return locked

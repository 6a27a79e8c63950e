"""When a home visit's message is due and when it no longer is: the rules the outbox writer
(home_visits.py) and the dispatcher (dispatch.py) share. Kept apart from home_visits.py, which
nudges the dispatcher through tasks.py, so the dispatcher imports nothing that imports it back.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from .models import Message

if TYPE_CHECKING:
    from scheduling.home_visit_models import HomeVisit


def occurrence_for(visit: HomeVisit) -> str:
    """One row per visit and time: a new time is a new message, the old one is taken back."""
    assert visit.start is not None
    tz = visit.pregnancy.resident.municipality.tz
    return f"visit-{visit.pk}-{visit.start.astimezone(tz):%Y%m%d%H%M}"


def change_occurrence(visit: HomeVisit, change: str, now: dt.datetime) -> str:
    """A cancelled or moved notice: "v<visit>-<c|m>-<when changed>", under 32 characters."""
    return f"v{visit.pk}-{change[0]}-{now.astimezone(dt.UTC):%y%m%d%H%M%S}"


def visit_time_stale(message: Message, now: dt.datetime) -> tuple[str, str, str] | None:
    """(status, code, reason) when the row must not go out any more: the visit is no longer
    arranged, its time changed since, or it has begun (dispatch.not_worth_sending asks). A
    change notice: the visit changed again since (a cancellation stays worth sending)."""
    from scheduling.home_visit_models import HomeVisit

    visit = (
        HomeVisit.objects.filter(pk=message.context.get("visit_id"))
        .select_related("pregnancy__resident__municipality")
        .first()
    )
    cancelled = Message.Status.CANCELLED
    change = message.context.get("change")
    if change == "cancelled":
        if visit is None or visit.status != HomeVisit.Status.CANCELLED:
            return cancelled, "visit_changed", "the visit is arranged again"
        return None
    if change == "moved":
        arranged = (HomeVisit.Status.REQUESTED, HomeVisit.Status.CONFIRMED)
        if (
            visit is None
            or visit.status not in arranged
            or message.context.get("visit_date") != visit.date.isoformat()
            or message.context.get("visit_half") != visit.half
        ):
            return cancelled, "visit_changed", "the visit changed again"
        return None
    if visit is None or visit.status != HomeVisit.Status.CONFIRMED or visit.start is None:
        return cancelled, "visit_changed", "the visit is no longer arranged"
    if message.occurrence != occurrence_for(visit):
        return cancelled, "visit_changed", "the visit's time changed"
    if visit.start <= now:
        return cancelled, "visit_begun", "the visit has begun"
    return None

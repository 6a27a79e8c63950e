"""Alternatives for a taken slot: read-only, outside any transaction, from the cached
availability (issue 19), so a loser in the 09:00 rush costs a failed insert and a cached read."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yurikago.errors import DomainError

from .availability import Slot, open_slots_cached
from .errors import booking_error
from .models import InterviewType, Site

ALTERNATIVES = 5
# How far alternatives are looked for: enough to offer a choice, small enough that a conflict
# in the 09:00 rush stays cheap.
ALTERNATIVE_DAYS_AT_SITE = 7
ALTERNATIVE_DAYS_ELSEWHERE = 3


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
    # One read of the municipality's week, shared through the cache by every loser of a rush at
    # any of its sites (its key has no site), rather than one per site and one for elsewhere.
    week = open_slots_cached(
        municipality=site.municipality,
        interview_type=interview_type,
        date_from=day,
        date_to=day + dt.timedelta(days=max(ALTERNATIVE_DAYS_AT_SITE, ALTERNATIVE_DAYS_ELSEWHERE)),
        mode=mode,
        now=now,
        exclude_booking_id=exclude_booking_id,
    )
    tz = site.municipality.tz
    here_until = day + dt.timedelta(days=ALTERNATIVE_DAYS_AT_SITE)
    elsewhere_until = day + dt.timedelta(days=ALTERNATIVE_DAYS_ELSEWHERE)
    found = [
        s
        for s in week
        if s.site_id == site.id
        and s.start != start
        and (s.site_id, s.start) != own
        and s.start.astimezone(tz).date() <= here_until
    ][:count]
    if len(found) < count:
        found += [
            s
            for s in week
            if s.site_id != site.id
            and (s.site_id, s.start) != own
            and s.start.astimezone(tz).date() <= elsewhere_until
        ][: count - len(found)]
    return found


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

"""Alternatives for a taken slot: read-only, outside any transaction. First from the day's rows
the refusing transaction already read (issue 19, fifth round: no read, no engine, and never a
place that read saw taken); only when that day at that site has too few, from the cached
availability, so a loser in the 09:00 rush costs a failed insert and at most a cached read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from yurikago.errors import DomainError

from .availability import Slot, booking_window, open_slots_cached
from .availability.intervals import DayRows, day_slots
from .errors import booking_error
from .models import InterviewType, Site

ALTERNATIVES = 5
# How far alternatives are looked for: enough to offer a choice, small enough that a conflict
# in the 09:00 rush stays cheap.
ALTERNATIVE_DAYS_AT_SITE = 7
ALTERNATIVE_DAYS_ELSEWHERE = 3


@dataclass
class RefusingRead:
    """What the transaction that refused a start read of its day (PostgreSQL: filled by
    booking_placement._place when its check refuses): the site as it was and the day's rows.
    The alternatives on that day at that site come from them, not from another read."""

    site: Site | None = None
    day: dt.date | None = None
    day_rows: DayRows | None = None
    # A direct booking's: had the pregnancy an active booking for the contact, as the read saw
    # (None: not read with the day; the caller asks the database).
    already_booked: bool | None = None

    def slots(
        self, interview_type: InterviewType, day: dt.date, mode: str, now: dt.datetime
    ) -> list[Slot] | None:
        """The site's slots that day as the engine would give them to a resident (her notice,
        strictly after now), or None when nothing was read of that day."""
        if self.site is None or self.day_rows is None or self.day != day:
            return None
        earliest, last_day = booking_window(self.site, interview_type, now)
        if day > last_day:
            return []
        earliest = max(earliest, now + dt.timedelta(microseconds=1))
        return day_slots(
            site=self.site,
            interview_type=interview_type,
            day=day,
            mode=mode,
            earliest=earliest,
            day_rows=self.day_rows,
        )


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
    seen: RefusingRead | None = None,
) -> list[Slot]:
    """The next free slots from `start` on: at this site first, then elsewhere nearby.

    `own` is the (site id, start) of the booking being moved: never offered back to her.
    `seen`: what the refusing transaction read of the day; that day at this site is answered
    from it. Read-only and outside any transaction, so the rest from the cached availability:
    in a rush the losers outnumber the winners nine to one and would otherwise each recompute
    ten days."""
    now = now or timezone.now()
    day = max(start, now).astimezone(site.municipality.tz).date()
    today_here = seen.slots(interview_type, day, mode, now) if seen is not None else None
    if today_here is not None:
        today_here = [s for s in today_here if s.start != start and (s.site_id, s.start) != own]
        if len(today_here) >= count:
            return today_here[:count]
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
    # The day already answered from the refusing read keeps its answer (it may be fresher
    # than a cached week, and must not offer what that read saw taken).
    after = day if today_here is not None else day - dt.timedelta(days=1)
    found = [
        *(today_here or []),
        *(
            s
            for s in week
            if s.site_id == site.id
            and s.start != start
            and (s.site_id, s.start) != own
            and after < s.start.astimezone(tz).date() <= here_until
        ),
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
    seen: RefusingRead | None = None,
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
            seen=seen,
        )
    return error

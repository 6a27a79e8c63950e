"""Random worlds for the availability property tests: a few sites with their own days, rooms,
closures and notice, nurses with rules and validity dates, time off (some weekly), busy blocks,
bookings and holds in every status, built inside the test transaction (rolled back after each
example). Used by test_availability_properties.py and test_capacity_matches_the_engine.py."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from hypothesis import strategies as st

from scheduling.models import (
    AvailabilityRule,
    Booking,
    BusyBlock,
    InterviewType,
    Mode,
    Municipality,
    Nurse,
    Site,
    SiteClosure,
    TimeOff,
    User,
)
from tests.base import NOW, TOKYO

# Worlds span 2026-11-29 (a Sunday) to mid-January, so they cross the year-end closures, New
# Year's Day, 成人の日 (2027-01-11) and two 2nd Sundays; NOW is Tuesday 2026-12-01 09:00.
DAY0 = dt.date(2026, 11, 29)
SPAN_DAYS = 50
FIVE_MINUTES = 5
YEAR_ENDS = [("12-29", "01-03"), ("12-28", "01-04"), ("", ""), ("12-31", "12-31")]
MODE_SETS = [["in_person"], ["in_person", "video"], ["video"], []]
# --- Random worlds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteSpec:
    rooms: int
    open_weekdays: list[int]
    closed_on_public_holidays: bool
    closed_nth_weekdays: list[list[int]]
    year_end: tuple[str, str]
    last_start: dt.time | None
    min_notice_days: int | None
    modes: list[str]


@dataclass(frozen=True)
class RuleSpec:
    nurse: int
    site: int
    weekday: int
    start_minute: int
    minutes: int
    valid_from_day: int
    valid_days: int | None


@dataclass(frozen=True)
class AwaySpec:
    nurse: int
    day: int
    minute: int
    minutes: int
    weekly_days: int | None  # time off only: repeat weekly until `day + weekly_days`


@dataclass(frozen=True)
class ClosureSpec:
    site: int | None
    day: int
    days: int


@dataclass(frozen=True)
class BookingSpec:
    nurse: int
    site: int
    day: int
    minute: int
    minutes: int
    buffer: int
    status: str  # a Booking.Status, or "held_expired"
    in_person: bool
    room: int
    expires_in: int  # minutes from now, for holds


@dataclass(frozen=True)
class WorldSpec:
    sites: list[SiteSpec]
    nurses: int
    rules: list[RuleSpec]
    time_off: list[AwaySpec]
    busy: list[AwaySpec]
    closures: list[ClosureSpec]
    bookings: list[BookingSpec]
    duration: int
    buffer: int
    step: int
    modes: list[str]
    min_notice_hours: int
    max_days_ahead: int
    now_minutes: int
    date_from_day: int
    days: int
    mode: str
    staff: bool


def mostly[T](typical: st.SearchStrategy[T], odd: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """Three draws in four look like a real site or rota, so that slots exist to be judged;
    the rest are arbitrary, to reach the corners."""
    return st.integers(0, 3).flatmap(lambda k: odd if k == 0 else typical)


def _minutes(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low // FIVE_MINUTES, high // FIVE_MINUTES).map(lambda n: n * FIVE_MINUTES)


SITES = st.builds(
    SiteSpec,
    rooms=st.integers(1, 3),
    open_weekdays=mostly(
        st.sampled_from([[0, 1, 2, 3, 4], [0, 1, 2, 3, 4, 5, 6]]),
        st.lists(st.integers(0, 6), unique=True, min_size=1).map(sorted),
    ),
    closed_on_public_holidays=st.booleans(),
    closed_nth_weekdays=st.lists(
        st.tuples(st.integers(1, 5), st.integers(0, 6)).map(list), max_size=2
    ),
    year_end=st.sampled_from(YEAR_ENDS),
    last_start=mostly(st.none(), _minutes(9 * 60, 18 * 60).map(lambda m: dt.time(m // 60, m % 60))),
    min_notice_days=mostly(st.none(), st.integers(0, 6)),
    modes=mostly(st.sampled_from([[], ["in_person", "video"]]), st.sampled_from(MODE_SETS)),
)


@st.composite
def worlds(draw: st.DrawFn) -> WorldSpec:
    date_from_day = draw(st.integers(0, SPAN_DAYS - 5))
    days = draw(st.integers(0, 10))
    # Absences and bookings mostly fall on the days asked for, where they can collide.
    near = st.integers(max(0, date_from_day - 1), date_from_day + days + 1)
    day = near | st.integers(0, SPAN_DAYS - 1)
    sites = draw(st.lists(SITES, min_size=1, max_size=3))
    nurses = draw(st.integers(1, 4))
    nurse = st.integers(0, nurses - 1)
    site = st.integers(0, len(sites) - 1)
    weekly = mostly(
        st.just(list(range(7))), st.lists(st.integers(0, 6), unique=True, min_size=1, max_size=7)
    )
    rules = [
        RuleSpec(
            nurse=r.nurse,
            site=r.site,
            weekday=weekday,
            start_minute=r.start_minute,
            minutes=r.minutes,
            valid_from_day=r.valid_from_day,
            valid_days=r.valid_days,
        )
        for r, weekdays in draw(
            st.lists(
                st.tuples(
                    st.builds(
                        RuleSpec,
                        nurse=nurse,
                        site=site,
                        weekday=st.just(0),
                        start_minute=_minutes(7 * 60, 18 * 60),
                        minutes=_minutes(5, 6 * 60),
                        valid_from_day=st.just(-30) | near,
                        valid_days=st.none() | st.integers(0, 20),
                    ),
                    weekly,
                ),
                min_size=1,
                max_size=6,
            )
        )
        for weekday in weekdays
    ]
    time_off = draw(
        st.lists(
            st.builds(
                AwaySpec,
                nurse=nurse,
                day=day,
                minute=_minutes(0, 23 * 60),
                minutes=_minutes(5, 1440),
                weekly_days=st.none() | st.integers(0, 40),
            ),
            max_size=3,
        )
    )
    busy = draw(
        st.lists(
            st.builds(
                AwaySpec,
                nurse=nurse,
                day=day,
                minute=_minutes(6 * 60, 22 * 60),
                minutes=_minutes(5, 4 * 60),
                weekly_days=st.none(),
            ),
            max_size=5,
        )
    )
    closures = draw(
        st.lists(
            st.builds(ClosureSpec, site=st.none() | site, day=day, days=st.integers(0, 3)),
            max_size=2,
        )
    )
    bookings = draw(
        st.lists(
            st.builds(
                BookingSpec,
                nurse=nurse,
                site=site,
                day=day,
                minute=_minutes(7 * 60, 20 * 60),
                minutes=_minutes(10, 90),
                buffer=st.sampled_from([0, 5, 10, 15, 30]),
                status=st.sampled_from(
                    [
                        "confirmed",
                        "held",
                        "held_expired",
                        "cancelled",
                        "expired",
                        "attended",
                        "no_show",
                    ]
                ),
                in_person=st.booleans(),
                room=st.integers(1, 3),
                expires_in=st.integers(1, 30),
            ),
            max_size=15,
        )
    )
    modes = draw(st.sampled_from(MODE_SETS[:3]))
    return WorldSpec(
        sites=sites,
        nurses=nurses,
        rules=rules,
        time_off=time_off,
        busy=busy,
        closures=closures,
        bookings=bookings,
        duration=draw(st.sampled_from([10, 15, 20, 30, 45, 60, 90])),
        buffer=draw(st.sampled_from([0, 5, 10, 15, 30])),
        step=draw(st.sampled_from([5, 10, 15, 20, 30, 45, 60])),
        modes=modes,
        min_notice_hours=draw(st.sampled_from([0, 24, 48]) | st.integers(0, 72)),
        max_days_ahead=draw(mostly(st.just(60), st.integers(0, 60))),
        now_minutes=draw(st.integers(0, 4 * 1440)),
        date_from_day=date_from_day,
        days=days,
        mode=draw(st.sampled_from(modes)),
        staff=draw(st.booleans()),
    )


def _at(day: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(DAY0 + dt.timedelta(days=day), dt.time(0), tzinfo=TOKYO) + (
        dt.timedelta(minutes=minute)
    )


@dataclass
class Built:
    spec: WorldSpec
    itype: InterviewType
    sites: list[Site]
    nurses: list[Nurse]
    now: dt.datetime
    date_from: dt.date
    date_to: dt.date


def _overlaps_any(
    taken: list[tuple[dt.datetime, dt.datetime]], start: dt.datetime, end: dt.datetime
) -> bool:
    return any(s < end and e > start for s, e in taken)


def build(spec: WorldSpec, muni: Municipality) -> Built:
    now = NOW + dt.timedelta(minutes=spec.now_minutes)
    itype = InterviewType.objects.create(
        municipality=muni,
        code="prop",
        name="prop",
        duration_minutes=spec.duration,
        buffer_minutes=spec.buffer,
        slot_step_minutes=spec.step,
        modes=spec.modes,
        min_notice_hours=spec.min_notice_hours,
        max_days_ahead=spec.max_days_ahead,
    )
    sites = [
        Site.objects.create(
            municipality=muni,
            code=f"prop{i}",
            name=f"prop {i}",
            address="-",
            rooms=s.rooms,
            open_weekdays=s.open_weekdays,
            closed_on_public_holidays=s.closed_on_public_holidays,
            closed_nth_weekdays=s.closed_nth_weekdays,
            year_end_start=s.year_end[0],
            year_end_end=s.year_end[1],
            last_start_time=s.last_start,
            min_notice_days=s.min_notice_days,
            modes=s.modes,
        )
        for i, s in enumerate(spec.sites)
    ]
    nurses = []
    for i in range(spec.nurses):
        user = User.objects.create(email=f"prop{i}@example.jp")
        nurse = Nurse.objects.create(user=user, municipality=muni, name=f"prop {i}")
        nurse.sites.set(sites)
        nurses.append(nurse)
    for r in spec.rules:
        end_minute = min(r.start_minute + r.minutes, 23 * 60 + 55)
        valid_from = DAY0 + dt.timedelta(days=r.valid_from_day)
        AvailabilityRule.objects.create(
            nurse=nurses[r.nurse],
            site=sites[r.site],
            weekday=r.weekday,
            start_time=dt.time(r.start_minute // 60, r.start_minute % 60),
            end_time=dt.time(end_minute // 60, end_minute % 60),
            valid_from=valid_from,
            valid_to=None if r.valid_days is None else valid_from + dt.timedelta(days=r.valid_days),
        )
    for a in spec.time_off:
        start = _at(a.day, a.minute)
        TimeOff.objects.create(
            nurse=nurses[a.nurse],
            start=start,
            end=start + dt.timedelta(minutes=a.minutes),
            weekly_until=None
            if a.weekly_days is None
            else start.date() + dt.timedelta(days=a.weekly_days),
        )
    for a in spec.busy:
        start = _at(a.day, a.minute)
        BusyBlock.objects.create(
            nurse=nurses[a.nurse], start=start, end=start + dt.timedelta(minutes=a.minutes)
        )
    for c in spec.closures:
        first = DAY0 + dt.timedelta(days=c.day)
        SiteClosure.objects.create(
            municipality=muni,
            site=None if c.site is None else sites[c.site],
            date_from=first,
            date_to=first + dt.timedelta(days=c.days),
        )
    _build_bookings(spec, muni, itype, sites, nurses, now)
    date_from = DAY0 + dt.timedelta(days=spec.date_from_day)
    return Built(
        spec=spec,
        itype=itype,
        sites=sites,
        nurses=nurses,
        now=now,
        date_from=date_from,
        date_to=date_from + dt.timedelta(days=spec.days),
    )


def _build_bookings(
    spec: WorldSpec,
    muni: Municipality,
    itype: InterviewType,
    sites: list[Site],
    nurses: list[Nurse],
    now: dt.datetime,
) -> None:
    # Held and confirmed rows (expired holds included, until swept) must not overlap per nurse
    # or per room: PostgreSQL's exclusion constraints refuse them, so the world skips them too.
    by_nurse: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    by_room: dict[tuple[int, int], list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for b in spec.bookings:
        start = _at(b.day, b.minute)
        end = start + dt.timedelta(minutes=b.minutes)
        blocked_until = end + dt.timedelta(minutes=b.buffer)
        site = sites[b.site]
        room = (b.room - 1) % site.rooms + 1 if b.in_person else None
        status = "held" if b.status == "held_expired" else b.status
        if status in Booking.ACTIVE_STATUSES:
            if _overlaps_any(by_nurse[b.nurse], start, blocked_until) or (
                room is not None and _overlaps_any(by_room[(b.site, room)], start, blocked_until)
            ):
                continue
            by_nurse[b.nurse].append((start, blocked_until))
            if room is not None:
                by_room[(b.site, room)].append((start, blocked_until))
        expires_at = None
        if status == "held":
            sign = -1 if b.status == "held_expired" else 1
            # An expired hold may expire exactly now: "active" means expires_at > now.
            expires_at = now + sign * dt.timedelta(minutes=b.expires_in - (sign < 0))
        Booking.objects.create(
            municipality=muni,
            site=site,
            nurse=nurses[b.nurse],
            interview_type=itype,
            mode=Mode.IN_PERSON if b.in_person else Mode.VIDEO,
            room=room,
            start=start,
            end=end,
            blocked_until=blocked_until,
            status=status,
            expires_at=expires_at,
        )

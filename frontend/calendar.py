"""Pure helpers for the month calendar and the time list: no queries, no requests."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from scheduling.availability import Slot, cancel_deadline
from scheduling.models import InterviewType, Municipality, Site
from yurikago import dates

# Words as assistive technology matches a visible label in a name: digits of any script count.
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class DayCell:
    day: dt.date
    free: int  # free places that day (0: nothing free or outside the window)
    url: str
    label: str  # what a screen reader announces: "12月3日(木)、空きあり"
    is_selected: bool = False
    number: str = ""  # the day as the grid shows it: "3", or "३" in Nepali


def day_number(day: dt.date) -> str:
    """The day of the month in the digits the language writes dates with."""
    text = str(day.day)
    return text.translate(dates.DEVANAGARI_DIGITS) if dates.language_for(None) == "ne" else text


def day_label(day: dt.date, free: int) -> str:
    """The accessible name of a calendar day: it carries the number shown (WCAG 2.5.3), so
    where the date format writes it otherwise ("03/12" in Vietnamese) the number leads."""
    label = dates.format_day_short(day) + ", " + (_("free times") if free else _("no free times"))
    number = day_number(day)
    return label if number in WORD.findall(label) else f"{number}, {label}"


def month_of(value: str | None, first: dt.date, last: dt.date) -> dt.date:
    """The first of the requested month ("2026-12"), kept inside first…last."""
    earliest, latest = first.replace(day=1), last.replace(day=1)
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        chosen = dt.date(year, month, 1)
    except (TypeError, ValueError):
        return earliest
    return min(max(chosen, earliest), latest)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_weeks(
    month: dt.date,
    counts: dict[dt.date, int],
    day_url: Callable[[dt.date], str],
    selected: dt.date | None = None,
) -> list[list[DayCell | None]]:
    """Weeks (Monday first) of the month; None pads the days of other months."""
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        row: list[DayCell | None] = []
        for day in week:
            if day.month != month.month:
                row.append(None)
                continue
            free = counts.get(day, 0)
            row.append(
                DayCell(
                    day=day,
                    free=free,
                    url=day_url(day) if free else "",
                    label=day_label(day, free),
                    is_selected=day == selected,
                    number=day_number(day),
                )
            )
        weeks.append(row)
    return weeks


@dataclass(frozen=True)
class SiteTimes:
    site: Site
    slots: list[Slot]


def group_by_site(slots: Iterable[Slot], sites: dict[int, Site]) -> list[SiteTimes]:
    by_site: dict[int, list[Slot]] = defaultdict(list)
    for slot in slots:
        by_site[slot.site_id].append(slot)
    ordered = sorted(by_site, key=lambda sid: (sites[sid].ordering_key, sid))
    return [SiteTimes(site=sites[sid], slots=by_site[sid]) for sid in ordered]


def part_of_day(slot: Slot, tz: dt.tzinfo) -> str:
    return "morning" if slot.start.astimezone(tz).hour < 12 else "afternoon"


def starts_past_change_deadline(
    municipality: Municipality,
    interview_type: InterviewType,
    slots: Iterable[Slot],
    now: dt.datetime,
) -> set[dt.datetime]:
    """Starts she may still book but, once booked, no longer change or cancel online: the
    deadline (e.g. 11:00 the business day before) has already passed. One deadline per day."""
    deadlines: dict[dt.date, dt.datetime] = {}
    late = set()
    for slot in slots:
        day = slot.start.astimezone(municipality.tz).date()
        if day not in deadlines:
            deadlines[day] = cancel_deadline(municipality, interview_type, slot.start)
        if deadlines[day] < now:
            late.add(slot.start)
    return late

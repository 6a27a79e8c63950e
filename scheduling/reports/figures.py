"""What a utilisation report holds: figures per site and per day, totals, and the buckets of
lead time and gestational week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from ..models import Booking
from . import csv_rows

# Bookings that took a slot: cancelled ones gave it back; holds and expired holds never had it.
BOOKED = (Booking.Status.CONFIRMED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW)
# (label, lower bound in days, upper bound in days or None): booking → interview.
LEAD_TIME_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0–2", 0, 3),
    ("3–6", 3, 7),
    ("7–13", 7, 14),
    ("14–27", 14, 28),
    ("28+", 28, None),
)
# (label, first week, last week or None): completed gestational weeks on the interview day.
GESTATION_BUCKETS: tuple[tuple[str, int | None, int | None], ...] = (
    ("–11", None, 11),
    ("12–15", 12, 15),
    ("16–19", 16, 19),
    ("20–27", 20, 27),
    ("28+", 28, None),
)
FULL_TERM_DAYS = 280


def _ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


@dataclass
class SiteFigures:
    """One site's figures for the period (or, with site_id None, the totals)."""

    site_id: int | None
    site_name: str
    offered_slots: int = 0
    offered_minutes: int = 0
    booked_slots: int = 0
    booked_minutes: int = 0
    attended_slots: int = 0
    attended_minutes: int = 0
    no_shows: int = 0
    cancelled: int = 0
    late_cancellations: int = 0
    online: int = 0
    staff: int = 0
    api: int = 0
    failed_messages: int = 0
    # Sums and counts, so totals can be averaged correctly across sites.
    lead_time_days_sum: float = 0.0
    lead_time_count: int = 0
    gestation_days_sum: float = 0.0
    gestation_count: int = 0
    next_free_slot: dt.datetime | None = None

    @property
    def utilisation(self) -> float | None:
        return _ratio(self.booked_slots, self.offered_slots)

    @property
    def attendance_rate(self) -> float | None:
        return _ratio(self.attended_slots, self.booked_slots)

    @property
    def no_show_rate(self) -> float | None:
        """No-shows among the interviews that were booked (not among those offered)."""
        return _ratio(self.no_shows, self.booked_slots)

    @property
    def late_cancellation_rate(self) -> float | None:
        """Cancellations after the deadline among all bookings made for the period."""
        return _ratio(self.late_cancellations, self.booked_slots + self.cancelled)

    @property
    def online_share(self) -> float | None:
        """The digital-adoption figure: booked by the resident herself (web or API)."""
        return _ratio(self.online + self.api, self.booked_slots)

    @property
    def staff_share(self) -> float | None:
        return _ratio(self.staff, self.booked_slots)

    @property
    def lead_time_days(self) -> float | None:
        if not self.lead_time_count:
            return None
        return self.lead_time_days_sum / self.lead_time_count

    @property
    def gestational_week(self) -> float | None:
        """Average completed weeks of pregnancy on the interview day."""
        if not self.gestation_count:
            return None
        return (FULL_TERM_DAYS - self.gestation_days_sum / self.gestation_count) / 7

    def add(self, other: SiteFigures) -> None:
        for f in fields(self):
            if f.name in ("site_id", "site_name", "next_free_slot"):
                continue
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class DayFigures:
    day: dt.date
    offered_slots: int = 0
    booked_slots: int = 0
    attended_slots: int = 0
    no_shows: int = 0


@dataclass
class UtilisationReport:
    date_from: dt.date
    date_to: dt.date
    rows: list[SiteFigures]
    totals: SiteFigures
    days: list[DayFigures]
    lead_time: dict[str, int] = field(default_factory=dict)
    gestation: dict[str, int] = field(default_factory=dict)
    generated_at: dt.datetime | None = None

    # --- CSV: one method per table the dashboard shows (rows in csv_rows.py) ----------------

    def to_csv_rows(self) -> list[list[str]]:
        """The per-site table (and a total line), headers first."""
        return csv_rows.site_rows(self)

    def days_csv_rows(self) -> list[list[str]]:
        return csv_rows.day_rows(self)

    def lead_time_csv_rows(self) -> list[list[str]]:
        return csv_rows.lead_time_rows(self)

    def gestation_csv_rows(self) -> list[list[str]]:
        return csv_rows.gestation_rows(self)

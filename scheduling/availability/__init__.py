"""Open slots: nurse rules − closures − time off − busy blocks − bookings and holds.

Everything is loaded in a fixed number of queries (sites, closures, rules, time off, busy blocks,
bookings: six, whatever the range, the number of sites or nurses), then computed in Python on
whole POSIX seconds.

Read paths (the API, the resident month and day pages) go through `open_slots_cached`, a
micro-cache of a few seconds; the booking services always call `open_slots` inside their
transaction, so a stale entry can at worst show a place that was just taken.

The parts: calendar_rules.py (pure: open days, the booking window, deadlines, a rule's slot
times, time off expanded), reads.py (the engine's three reads as fixed SQL), spans.py (blocked
time as merged integer spans), engine.py (`open_slots`), cache.py (the micro-cache).
Everything is imported from here.
"""

from __future__ import annotations

from .cache import (
    availability_changed,
    open_slots_cached,
    open_slots_cached_as,
)
from .calendar_rules import (
    Interval,
    away_by_nurse_day,
    booking_window,
    cancel_deadline,
    in_year_end,
    is_business_day,
    is_public_holiday,
    local_days,
    nth_weekday_of_month,
    rule_slot_times,
    site_is_open,
    time_off_occurrences,
)
from .engine import (
    Slot,
    busy_blocks_between,
    days_with_slots,
    open_slots,
    time_off_between,
)

__all__ = [
    "Interval",
    "Slot",
    "availability_changed",
    "away_by_nurse_day",
    "booking_window",
    "busy_blocks_between",
    "cancel_deadline",
    "days_with_slots",
    "in_year_end",
    "is_business_day",
    "is_public_holiday",
    "local_days",
    "nth_weekday_of_month",
    "open_slots",
    "open_slots_cached",
    "open_slots_cached_as",
    "rule_slot_times",
    "site_is_open",
    "time_off_between",
    "time_off_occurrences",
]

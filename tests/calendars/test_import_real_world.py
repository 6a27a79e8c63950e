"""Every .ics file shipped in the test folders of the installed icalendar and
recurring-ical-events packages (real exports and deliberately broken files, over 250): importing
each yields busy blocks or a clear error, and nothing raises out of the sync."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import icalendar
import recurring_ical_events

from scheduling.calendars import expand
from scheduling.calendars.errors import MESSAGES, SyncError
from tests.base import NOW, TOKYO, BaseTestCase
from yurikago.errors import DomainError

from .helpers import import_upload


def shipped_calendars() -> list[Path]:
    files: set[Path] = set()
    for package in (icalendar, recurring_ical_events):
        files |= set(Path(package.__file__).parent.rglob("*.ics"))
    return sorted(files)


def earliest_start(calendars: list[icalendar.Calendar]) -> dt.datetime:
    starts = []
    for calendar in calendars:
        for event in calendar.walk("VEVENT"):
            try:
                value = event["DTSTART"].dt
            except Exception:  # noqa: S112 - broken files are the point of this test
                continue
            if not isinstance(value, dt.datetime):
                value = dt.datetime.combine(value, dt.time(0))
            starts.append(value if value.tzinfo else value.replace(tzinfo=TOKYO))
    return min(starts, default=NOW)


class RealWorldCalendarsTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.files = shipped_calendars()
        warnings.simplefilter("ignore")  # the libraries warn about guessed TZIDs; fine here
        self.addCleanup(warnings.resetwarnings)

    def test_the_packages_ship_over_250_calendars(self) -> None:
        self.assertGreater(len(self.files), 250)

    def test_uploading_each_one_imports_it_or_says_clearly_why_not(self) -> None:
        outcomes = {"imported": 0, "refused": 0, "error": 0}
        for path in self.files:
            with self.subTest(path.name):
                try:
                    calendar = import_upload(
                        self, nurse=self.w.nurse_sato, content=path.read_bytes(), name=path.name
                    )
                except DomainError as exc:
                    self.assertEqual(exc.field, "file")
                    self.assertTrue(str(exc.message))
                    outcomes["refused"] += 1
                    continue
                if calendar.last_error:
                    self.assertIn(calendar.last_error.partition(":")[0], MESSAGES)
                    outcomes["error"] += 1
                else:
                    self.assertEqual(calendar.last_success_at, NOW)
                    self.assertEqual(calendar.blocks.count(), calendar.block_count)
                    outcomes["imported"] += 1
        self.assertGreater(outcomes["imported"], 150, outcomes)

    def test_expanding_each_one_around_its_own_dates_yields_blocks_or_a_sync_error(self) -> None:
        with_blocks = 0
        for path in self.files:
            with self.subTest(path.name):
                try:
                    calendars = expand.parse(path.read_bytes())
                    start = earliest_start(calendars)
                    blocks = expand.busy_intervals(
                        calendars,
                        tz=TOKYO,
                        start=start,
                        end=start + dt.timedelta(days=90),
                        max_blocks=20000,
                    )
                except SyncError as exc:
                    self.assertIn(exc.code, MESSAGES)
                    continue
                self.assertTrue(all(s < e for s, e in blocks))
                self.assertEqual(blocks, expand.merge(blocks))
                with_blocks += bool(blocks)
        self.assertGreater(with_blocks, 100)

"""Calendars shaped like Google, Outlook and iPhone exports become exactly the busy blocks a
nurse would expect, in Tokyo time."""

from __future__ import annotations

import datetime as dt

from scheduling.models import BusyBlock, ExternalCalendar
from tests.base import BaseTestCase, tokyo

from .helpers import SHAPES, import_upload

Block = tuple[dt.datetime, dt.datetime]


def day(m: int, d: int) -> dt.datetime:
    return tokyo(2026, m, d)


class ImportShapesTest(BaseTestCase):
    def blocks_of(self, content: bytes) -> list[Block]:
        calendar = import_upload(self, nurse=self.w.nurse_sato, content=content)
        self.assertEqual(calendar.last_error, "")
        rows = BusyBlock.objects.filter(calendar=calendar).order_by("start")
        return [(b.start, b.end) for b in rows]

    def ics(self, body: str) -> bytes:
        head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        return (head + body.strip().replace("\n", "\r\n") + "\r\nEND:VCALENDAR\r\n").encode()

    def test_a_google_calendar_with_a_moved_and_a_deleted_weekly_meeting(self) -> None:
        blocks = self.blocks_of((SHAPES / "google.ics").read_bytes())
        self.assertEqual(
            blocks,
            [
                (tokyo(2026, 12, 2, 10), tokyo(2026, 12, 2, 11)),  # weekly meeting
                (tokyo(2026, 12, 3, 14), tokyo(2026, 12, 3, 15)),  # given in UTC (05:00Z)
                (day(12, 7), day(12, 8)),  # all-day, marked busy
                (tokyo(2026, 12, 10, 15), tokyo(2026, 12, 10, 16)),  # 12/9 moved to 12/10 15:00
                # 12/16 deleted (EXDATE)
                (tokyo(2026, 12, 23, 10), tokyo(2026, 12, 23, 11)),
                (day(12, 24), day(12, 27)),  # three whole days away
                (tokyo(2026, 12, 30, 10), tokyo(2026, 12, 30, 11)),
            ],
        )

    def test_an_outlook_calendar_with_windows_time_zone_names(self) -> None:
        blocks = self.blocks_of((SHAPES / "outlook.ics").read_bytes())
        self.assertEqual(
            blocks,
            [
                # 16:00 Pacific Standard Time on 12/3 is 09:00 in Tokyo on 12/4
                (tokyo(2026, 12, 4, 9), tokyo(2026, 12, 4, 10)),
                (tokyo(2026, 12, 7, 9), tokyo(2026, 12, 7, 9, 30)),  # "Tokyo Standard Time"
                (day(12, 8), day(12, 9)),  # all day Out of Office, though exported TRANSPARENT
                # 12/14 deleted; 12/21 moved from 09:00 to 13:00
                (tokyo(2026, 12, 21, 13), tokyo(2026, 12, 21, 13, 30)),
                (tokyo(2026, 12, 28, 9), tokyo(2026, 12, 28, 9, 30)),
            ],
        )

    def test_an_iphone_calendar_with_rdate_duration_floating_time_and_another_zone(self) -> None:
        blocks = self.blocks_of((SHAPES / "iphone.ics").read_bytes())
        self.assertEqual(
            blocks,
            [
                (tokyo(2026, 12, 2, 18), tokyo(2026, 12, 2, 19)),  # DURATION:PT1H
                (tokyo(2026, 12, 5, 11), tokyo(2026, 12, 5, 12)),  # floating: Tokyo wall clock
                (tokyo(2026, 12, 9, 18), tokyo(2026, 12, 9, 19)),  # RDATE
                (tokyo(2026, 12, 11, 9), tokyo(2026, 12, 11, 10)),  # 19:00 New York
                (day(12, 12), day(12, 13)),
            ],
        )

    def test_a_time_zone_nobody_defines_is_read_as_tokyo_time(self) -> None:
        blocks = self.blocks_of(
            self.ics("""
BEGIN:VEVENT
UID:a
DTSTAMP:20261130T000000Z
DTSTART;TZID=Custom/Clinic:20261202T140000
DTEND;TZID=Custom/Clinic:20261202T150000
END:VEVENT
""")
        )
        self.assertEqual(blocks, [(tokyo(2026, 12, 2, 14), tokyo(2026, 12, 2, 15))])

    def test_overlapping_events_merge_and_events_past_the_horizon_are_cut(self) -> None:
        blocks = self.blocks_of(
            self.ics("""
BEGIN:VEVENT
UID:a
DTSTAMP:20261130T000000Z
DTSTART;TZID=Asia/Tokyo:20261202T090000
DTEND;TZID=Asia/Tokyo:20261202T110000
END:VEVENT
BEGIN:VEVENT
UID:b
DTSTAMP:20261130T000000Z
DTSTART;TZID=Asia/Tokyo:20261202T103000
DTEND;TZID=Asia/Tokyo:20261202T120000
END:VEVENT
BEGIN:VEVENT
UID:c
DTSTAMP:20261130T000000Z
DTSTART;VALUE=DATE:20270125
DTEND;VALUE=DATE:20270215
END:VEVENT
BEGIN:VEVENT
UID:d
DTSTAMP:20261130T000000Z
DTSTART;TZID=Asia/Tokyo:20270301T090000
DTEND;TZID=Asia/Tokyo:20270301T100000
END:VEVENT
""")
        )
        # The booking horizon is 60 days (+1): busy times end with 2027-01-31.
        self.assertEqual(
            blocks,
            [
                (tokyo(2026, 12, 2, 9), tokyo(2026, 12, 2, 12)),
                (tokyo(2027, 1, 25), tokyo(2027, 1, 31)),
            ],
        )

    def test_an_event_without_an_end_or_ending_before_it_starts_blocks_nothing(self) -> None:
        blocks = self.blocks_of(
            self.ics("""
BEGIN:VEVENT
UID:a
DTSTAMP:20261130T000000Z
DTSTART;TZID=Asia/Tokyo:20261202T090000
END:VEVENT
BEGIN:VEVENT
UID:b
DTSTAMP:20261130T000000Z
DTSTART;VALUE=DATE:20261203
END:VEVENT
""")
        )
        # A timed event without end lasts no time; a date without end is that whole day.
        self.assertEqual(blocks, [(day(12, 3), day(12, 4))])

    def test_a_runaway_minutely_rule_is_refused_with_a_clear_error(self) -> None:
        calendar = import_upload(
            self,
            nurse=self.w.nurse_sato,
            content=self.ics("""
BEGIN:VEVENT
UID:a
DTSTAMP:20261130T000000Z
DTSTART;TZID=Asia/Tokyo:20261202T090000
DTEND;TZID=Asia/Tokyo:20261202T090100
RRULE:FREQ=MINUTELY
END:VEVENT
"""),
        )
        self.assertTrue(calendar.last_error.startswith("too_many_events"))
        self.assertFalse(BusyBlock.objects.filter(calendar=calendar).exists())
        self.assertEqual(ExternalCalendar.objects.get(pk=calendar.pk).block_count, 0)

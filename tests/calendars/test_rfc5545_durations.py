"""RFC 5545 where the libraries differ from it, against hand-worked times.

- 3.3.6: the hours, minutes and seconds of a DURATION are exact time, its days and weeks nominal.
  Across a DST change the end of PT3H is start + 3 hours in UTC, not 3 hours on the wall clock;
  the end of P1D is the same wall time the next day.
- 3.8.2.2: DTEND must be after DTSTART. An event that ends before it starts blocks nothing (the
  library would turn it round and block the hour before it).
"""

from __future__ import annotations

import datetime as dt

from scheduling.calendars.services import calendar_sync
from scheduling.models import BusyBlock, ExternalCalendar
from tests.base import BaseTestCase, tokyo

UTC = dt.UTC


def utc(y: int, m: int, d: int, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=UTC)


class Rfc5545TimesTest(BaseTestCase):
    def blocks(self, events: str, now: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
        text = (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
            + events.strip().replace("\n", "\r\n")
            + "\r\nEND:VCALENDAR\r\n"
        )
        calendar = ExternalCalendar.objects.create(
            nurse=self.w.nurse_sato, name="f", uploaded_ics=text
        )
        result = calendar_sync(calendar=calendar, now=now)
        self.assertTrue(result.ok, result.error)
        rows = BusyBlock.objects.filter(calendar=calendar).order_by("start")
        return [(b.start.astimezone(UTC), b.end.astimezone(UTC)) for b in rows]

    def test_hours_of_a_duration_are_exact_across_the_spring_change_in_new_york(self) -> None:
        # 2027-03-14 02:00 EST the clocks go to 03:00 EDT. 00:30 EST is 05:30Z; three hours
        # later is 08:30Z (04:30 EDT), not 03:30 EDT (07:30Z) as the wall clock would say.
        blocks = self.blocks(
            """
BEGIN:VEVENT
UID:ny
DTSTAMP:20270101T000000Z
DTSTART;TZID=America/New_York:20270307T003000
DURATION:PT3H
RRULE:FREQ=WEEKLY;COUNT=2
END:VEVENT
""",
            now=tokyo(2027, 3, 1, 9),
        )
        self.assertEqual(
            blocks,
            [
                (utc(2027, 3, 7, 5, 30), utc(2027, 3, 7, 8, 30)),  # no change that week
                (utc(2027, 3, 14, 5, 30), utc(2027, 3, 14, 8, 30)),  # across the change
            ],
        )

    def test_hours_of_a_duration_are_exact_across_the_autumn_change_in_berlin(self) -> None:
        # 2027-10-31 03:00 CEST the clocks go back to 02:00 CET. 01:00 CEST is 23:00Z the day
        # before; three hours later is 02:00Z (03:00 CET), not 04:00 CET (03:00Z).
        blocks = self.blocks(
            """
BEGIN:VEVENT
UID:berlin
DTSTAMP:20270101T000000Z
DTSTART;TZID=Europe/Berlin:20271031T010000
DURATION:PT3H
END:VEVENT
""",
            now=tokyo(2027, 10, 1, 9),
        )
        self.assertEqual(blocks, [(utc(2027, 10, 30, 23), utc(2027, 10, 31, 2))])

    def test_days_of_a_duration_are_nominal_so_one_day_across_the_change_is_23_hours(self) -> None:
        # 12:00 EST on 13 March is 17:00Z; one day later is 12:00 EDT on 14 March, 16:00Z.
        blocks = self.blocks(
            """
BEGIN:VEVENT
UID:day
DTSTAMP:20270101T000000Z
DTSTART;TZID=America/New_York:20270313T120000
DURATION:P1D
END:VEVENT
""",
            now=tokyo(2027, 3, 1, 9),
        )
        self.assertEqual(blocks, [(utc(2027, 3, 13, 17), utc(2027, 3, 14, 16))])

    def test_an_event_that_ends_before_it_starts_blocks_nothing(self) -> None:
        blocks = self.blocks(
            """
BEGIN:VEVENT
UID:backwards
DTSTAMP:20261130T000000Z
DTSTART;TZID=Asia/Tokyo:20261202T100000
DTEND;TZID=Asia/Tokyo:20261202T090000
END:VEVENT
BEGIN:VEVENT
UID:backwards-series
DTSTAMP:20261130T000000Z
DTSTART;TZID=Asia/Tokyo:20261203T150000
DTEND;TZID=Asia/Tokyo:20261203T140000
RRULE:FREQ=DAILY;COUNT=3
END:VEVENT
BEGIN:VEVENT
UID:negative
DTSTAMP:20261130T000000Z
DTSTART;TZID=Asia/Tokyo:20261204T100000
DURATION:-PT1H
END:VEVENT
BEGIN:VEVENT
UID:fine
DTSTAMP:20261130T000000Z
DTSTART;TZID=Asia/Tokyo:20261207T100000
DTEND;TZID=Asia/Tokyo:20261207T110000
END:VEVENT
""",
            now=tokyo(2026, 12, 1, 9),
        )
        self.assertEqual(blocks, [(tokyo(2026, 12, 7, 10), tokyo(2026, 12, 7, 11))])

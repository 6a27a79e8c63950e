"""A hostile calendar is refused before it costs anything: rules whose BYxxx parts multiply
into millions of occurrences, rules that make the library walk years of minutes to reach the
horizon, and files with more components than any diary. The error names the event by its start
and UID, never by its title."""

from __future__ import annotations

import datetime as dt
import time
import tracemalloc

from django.test import SimpleTestCase
from django.utils import translation

from scheduling.calendars import expand
from scheduling.calendars.errors import SyncError, describe
from scheduling.calendars.services import calendar_sync
from scheduling.models import BusyBlock, ExternalCalendar
from tests.base import NOW, TOKYO, BaseTestCase

HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
TAIL = "END:VCALENDAR\r\n"
ALL = {"BYHOUR": range(24), "BYMINUTE": range(60), "BYSECOND": range(60)}


def rule(freq: str, **parts: range | list[str] | int) -> str:
    text = f"FREQ={freq}"
    for name, values in parts.items():
        if isinstance(values, int):
            text += f";{name}={values}"
        else:
            text += f";{name}=" + ",".join(str(v) for v in values)
    return text


def event(rrule: str, n: int = 0, start: str = "20261202T090000", summary: str = "") -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:bomb-{n}@example.com\r\nDTSTAMP:20261130T000000Z\r\n"
        f"DTSTART;TZID=Asia/Tokyo:{start}\r\nDURATION:PT1S\r\n"
        f"SUMMARY:{summary or 'Yamada Hanako 妊婦健診'}\r\nRRULE:{rrule}\r\nEND:VEVENT\r\n"
    )


def ics(*events: str) -> str:
    return HEAD + "".join(events) + TAIL


BOMB = ics(*(event(rule("DAILY", **ALL), n) for n in range(3)))  # 1.8 KB, 23 million


class RunawayUploadTest(BaseTestCase):
    def sync(self, text: str) -> ExternalCalendar:
        calendar = ExternalCalendar.objects.create(
            nurse=self.w.nurse_sato, name="file", uploaded_ics=text
        )
        calendar_sync(calendar=calendar, now=NOW)
        return ExternalCalendar.objects.get(pk=calendar.pk)

    def test_the_byxxx_bomb_is_refused_in_little_memory_and_time(self) -> None:
        self.assertLess(len(BOMB.encode()), 2000)
        tracemalloc.start()
        self.addCleanup(tracemalloc.stop)
        baseline, _peak = tracemalloc.get_traced_memory()
        started = time.monotonic()
        calendar = self.sync(BOMB)
        elapsed = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
        self.assertLess(peak - baseline, 200 * 1024 * 1024)
        self.assertLess(elapsed, 5)
        self.assertTrue(calendar.last_error.startswith("too_many_events"), calendar.last_error)
        self.assertFalse(BusyBlock.objects.filter(calendar=calendar).exists())

    def test_the_message_names_the_event_by_start_and_uid_not_by_its_title(self) -> None:
        calendar = self.sync(BOMB)
        for language, words in (("en", "repeating event"), ("ja", "繰り返しの予定")):
            with translation.override(language):
                message = describe(calendar.last_error)
            self.assertIn(words, message)
            self.assertIn("2026-12-02 09:00", message)
            self.assertIn("bomb-0@example.com", message)
            for private in ("Yamada", "Hanako", "妊婦"):
                self.assertNotIn(private, message)
                self.assertNotIn(private, calendar.last_error)

    def test_a_fine_rule_begun_years_ago_is_refused_before_the_walk_to_today(self) -> None:
        # Only 8,700 occurrences fall in the horizon, but the library steps through every one
        # of the 600,000 since 2010 first (about 6 s and rising every year).
        started = time.monotonic()
        calendar = self.sync(ics(event("FREQ=MINUTELY;INTERVAL=15", start="20100101T000000")))
        self.assertLess(time.monotonic() - started, 3)
        self.assertTrue(calendar.last_error.startswith("too_many_events"), calendar.last_error)

    def test_twenty_thousand_time_zones_are_refused_before_parsing(self) -> None:
        zone = (
            "BEGIN:VTIMEZONE\r\nTZID:Z{n}\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
            "TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
        )
        text = HEAD + "".join(zone.format(n=n) for n in range(20000)) + TAIL
        started = time.monotonic()
        calendar = self.sync(text)
        self.assertLess(time.monotonic() - started, 2)
        self.assertTrue(calendar.last_error.startswith("too_big"), calendar.last_error)

    def test_ordinary_repeating_events_are_still_imported(self) -> None:
        calendar = self.sync(
            ics(
                event("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", 1, "20261201T090000"),
                event("FREQ=DAILY;BYHOUR=9,13;BYMINUTE=0,30", 2, "20250101T090000"),
                event("FREQ=MONTHLY;BYDAY=1MO,-1FR", 3, "20200106T100000"),
                event("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24", 4, "19900101T100000"),
                event("FREQ=HOURLY;INTERVAL=4;BYHOUR=8,12,16", 5, "20261201T080000"),
            )
        )
        self.assertEqual(calendar.last_error, "")
        self.assertGreater(calendar.block_count, 100)

    def test_repeating_events_marked_free_do_not_count_as_busy_times(self) -> None:
        # 300 daily events shown as free (27,000 occurrences in the horizon, over the 20,000
        # busy-time cap) and one busy one: only the busy one is a busy time.
        free = "".join(
            event("FREQ=DAILY", n, f"20261201T{8 + n % 10:02d}0000").replace(
                "END:VEVENT", "TRANSP:TRANSPARENT\r\nEND:VEVENT"
            )
            for n in range(300)
        )
        calendar = self.sync(ics(free, event("FREQ=WEEKLY;COUNT=2", 999)))
        self.assertEqual(calendar.last_error, "")
        self.assertEqual(calendar.block_count, 2)


class RuleEstimatesTest(SimpleTestCase):
    def refused(self, rrule: str) -> None:
        started = time.monotonic()
        start = dt.datetime(2026, 12, 1, tzinfo=TOKYO)
        with self.assertRaises(SyncError) as caught:
            expand.busy_intervals(
                expand.parse(ics(event(rrule)).encode()),
                tz=TOKYO,
                start=start,
                end=start + dt.timedelta(days=91),
                max_blocks=20000,
            )
        self.assertEqual(caught.exception.code, "too_many_events")
        self.assertLess(time.monotonic() - started, 2, rrule)

    def test_every_frequency_multiplied_by_its_byxxx_parts_is_estimated(self) -> None:
        for rrule in (
            rule("WEEKLY", BYDAY=["MO", "WE", "FR", "SU"], BYHOUR=range(24), BYMINUTE=range(60)),
            rule("MONTHLY", BYMONTHDAY=range(1, 29), BYHOUR=range(24), BYMINUTE=range(60)),
            rule("MONTHLY", BYDAY=["MO", "TU"], BYHOUR=range(24), BYMINUTE=range(60)),
            rule(
                "YEARLY",
                BYMONTH=[12, 1],
                BYMONTHDAY=range(1, 29),
                BYHOUR=range(24),
                BYMINUTE=range(60),
            ),
            rule("YEARLY", BYYEARDAY=range(1, 366), BYHOUR=range(24), BYMINUTE=range(10)),
            rule("HOURLY", BYMINUTE=range(60), BYSECOND=range(10)),
            rule("SECONDLY"),
        ):
            with self.subTest(rrule=rrule[:40]):
                self.refused(rrule)

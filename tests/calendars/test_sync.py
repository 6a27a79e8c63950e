"""Syncing a subscribed calendar: conditional GET, atomic replacement, and failures that keep
the last good busy times."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import override_settings

from scheduling.calendars.services import calendar_sync
from scheduling.calendars.tasks import sync_calendar
from scheduling.models import BusyBlock, ExternalCalendar
from tests.base import NOW, BaseTestCase, tokyo

from .helpers import LoopbackServer, etag_server_route, send_body, slow_route

EVENT = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:x\r
BEGIN:VEVENT\r
UID:a\r
DTSTAMP:20261130T000000Z\r
DTSTART;TZID=Asia/Tokyo:20261202T{start}00\r
DTEND;TZID=Asia/Tokyo:20261202T{end}00\r
END:VEVENT\r
END:VCALENDAR\r
"""


def ics(start: str = "0900", end: str = "1000") -> bytes:
    return EVENT.format(start=start, end=end).encode()


@override_settings(CALENDAR_FETCH_ALLOW_LOOPBACK=True, CALENDAR_FETCH_TIMEOUT=1)
class SyncTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.server = LoopbackServer().__enter__()
        self.addCleanup(self.server.__exit__)
        self.calendar = ExternalCalendar.objects.create(
            nurse=self.w.nurse_kato, name="Google", url=self.server.url("/cal.ics")
        )

    def sync(self, **kwargs: object) -> ExternalCalendar:
        calendar_sync(calendar=ExternalCalendar.objects.get(pk=self.calendar.pk), **kwargs)
        return ExternalCalendar.objects.get(pk=self.calendar.pk)

    def blocks(self) -> list[tuple[dt.datetime, dt.datetime]]:
        return list(
            BusyBlock.objects.filter(calendar=self.calendar)
            .order_by("start")
            .values_list("start", "end")
        )

    def test_a_first_sync_imports_and_remembers_the_validators(self) -> None:
        self.server.routes["/cal.ics"] = etag_server_route(ics(), '"v1"')
        calendar = self.sync()
        self.assertEqual(self.blocks(), [(tokyo(2026, 12, 2, 9), tokyo(2026, 12, 2, 10))])
        self.assertEqual(calendar.etag, '"v1"')
        self.assertEqual(calendar.last_success_at, NOW)
        self.assertEqual(calendar.block_count, 1)
        self.assertEqual(BusyBlock.objects.get(calendar=calendar).nurse, self.w.nurse_kato)

    def test_the_next_sync_asks_conditionally_and_a_304_keeps_the_blocks(self) -> None:
        self.server.routes["/cal.ics"] = etag_server_route(ics(), '"v1"')
        self.sync()
        with time_machine.travel(NOW + dt.timedelta(minutes=15), tick=False):
            calendar = self.sync()
        _path, headers = self.server.requests[-1]
        self.assertEqual(headers.get("If-None-Match"), '"v1"')
        self.assertEqual(self.blocks(), [(tokyo(2026, 12, 2, 9), tokyo(2026, 12, 2, 10))])
        self.assertEqual(calendar.last_success_at, NOW + dt.timedelta(minutes=15))

    def test_on_a_new_day_it_fetches_in_full_so_the_horizon_moves_on(self) -> None:
        self.server.routes["/cal.ics"] = etag_server_route(ics(), '"v1"')
        self.sync()
        with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
            calendar = self.sync()
        _path, headers = self.server.requests[-1]
        self.assertNotIn("If-None-Match", headers)
        self.assertEqual(calendar.expanded_until, tokyo(2027, 2, 1))

    def test_a_changed_calendar_replaces_its_blocks(self) -> None:
        self.server.routes["/cal.ics"] = send_body(ics())
        self.sync()
        self.server.routes["/cal.ics"] = send_body(ics("1300", "1430"))
        self.sync()
        self.assertEqual(self.blocks(), [(tokyo(2026, 12, 2, 13), tokyo(2026, 12, 2, 14, 30))])

    def test_other_calendars_and_hand_entered_blocks_are_left_alone(self) -> None:
        mine = BusyBlock.objects.create(
            nurse=self.w.nurse_kato, start=tokyo(2026, 12, 3, 9), end=tokyo(2026, 12, 3, 10)
        )
        self.server.routes["/cal.ics"] = send_body(ics())
        self.sync()
        self.server.routes["/cal.ics"] = send_body(ics("1300", "1400"))
        self.sync()
        self.assertTrue(BusyBlock.objects.filter(pk=mine.pk).exists())

    def test_every_kind_of_failure_keeps_the_last_good_blocks_and_records_why(self) -> None:
        self.server.routes["/cal.ics"] = send_body(ics())
        self.sync()
        good = self.blocks()
        failures = {
            "http_status": send_body(b"Internal error", status=500),
            "not_calendar": send_body(b"<html>Sign in to Google</html>", content_type="text/html"),
            "timeout": slow_route(2.5),
            "invalid_calendar": send_body(
                b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:notadate\r\nEND:VCALENDAR\r\n"
            ),
        }
        for minutes, (code, route) in enumerate(failures.items(), start=1):
            self.server.routes["/cal.ics"] = route
            at = NOW + dt.timedelta(minutes=minutes)
            with time_machine.travel(at, tick=False):
                calendar = self.sync(force=True)
            self.assertTrue(calendar.last_error.startswith(code), calendar.last_error)
            self.assertEqual(calendar.last_error_at, at)
            self.assertEqual(calendar.last_success_at, NOW)
            self.assertEqual(self.blocks(), good, code)
        # Nothing is left over: the next good run clears the error.
        self.server.routes["/cal.ics"] = send_body(ics("1500", "1600"))
        calendar = self.sync(force=True)
        self.assertEqual(calendar.last_error, "")
        self.assertEqual(self.blocks(), [(tokyo(2026, 12, 2, 15), tokyo(2026, 12, 2, 16))])

    def test_a_removed_calendar_address_is_reported_as_gone(self) -> None:
        calendar = self.sync()  # no route: the server answers 404
        self.assertTrue(calendar.last_error.startswith("not_found"))

    def test_the_task_never_raises_even_when_the_server_is_unreachable(self) -> None:
        ExternalCalendar.objects.filter(pk=self.calendar.pk).update(url="http://127.0.0.1:9/x")
        self.assertFalse(sync_calendar(self.calendar.pk))
        calendar = ExternalCalendar.objects.get(pk=self.calendar.pk)
        self.assertTrue(calendar.last_error.startswith("connection"), calendar.last_error)

    def test_the_task_ignores_a_calendar_removed_since_it_was_queued(self) -> None:
        pk = self.calendar.pk
        self.calendar.delete()
        self.assertFalse(sync_calendar(pk))

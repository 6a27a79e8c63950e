"""A calendar that keeps failing is tried less and less often by the 15-minute sync (the wait
doubles with how long it has been failing, up to a cap); "Sync now" and a success end that.
A soft time limit in the middle of an import is recorded as a timeout."""

from __future__ import annotations

import datetime as dt
import itertools
import signal

import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.test import override_settings

from scheduling.calendars.services import BACKOFF_CAP, calendar_request_sync
from scheduling.calendars.tasks import sync_all_calendars, sync_calendar
from scheduling.models import ExternalCalendar
from tests.base import NOW, BaseTestCase
from yurikago.celery import app

from .helpers import LoopbackServer, send_body

ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
    b"DTSTAMP:20261130T000000Z\r\nDTSTART;TZID=Asia/Tokyo:20261202T090000\r\n"
    b"DTEND;TZID=Asia/Tokyo:20261202T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
TICK = dt.timedelta(minutes=15)


@override_settings(CALENDAR_FETCH_ALLOW_LOOPBACK=True, CALENDAR_FETCH_TIMEOUT=1)
class SyncBackoffTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True  # the fan-out runs its tasks in this process
        self.addCleanup(setattr, app.conf, "task_always_eager", eager)
        self.server = LoopbackServer().__enter__()
        self.addCleanup(self.server.__exit__)
        self.server.routes["/bad.ics"] = send_body(b"down", status=503)
        self.server.routes["/good.ics"] = send_body(ICS)
        # Both last synced fine the day before.
        yesterday = NOW - dt.timedelta(days=1)
        self.bad = ExternalCalendar.objects.create(
            nurse=self.w.nurse_sato, name="bad", url=self.server.url("/bad.ics")
        )
        self.good = ExternalCalendar.objects.create(
            nurse=self.w.nurse_kato, name="good", url=self.server.url("/good.ics")
        )
        ExternalCalendar.objects.update(last_success_at=yesterday, created_at=yesterday)

    def beat_for(self, hours: int) -> list[dt.timedelta]:
        """Run the 15-minute sync for `hours`; when the failing calendar was fetched."""
        tried = []
        for tick in range(hours * 4):
            at = NOW + tick * TICK
            before = len([p for p, _h in self.server.requests if p == "/bad.ics"])
            with time_machine.travel(at, tick=False):
                sync_all_calendars()
            if len([p for p, _h in self.server.requests if p == "/bad.ics"]) > before:
                tried.append(at - NOW)
        return tried

    def test_a_failing_calendar_is_tried_at_doubling_intervals_up_to_the_cap(self) -> None:
        # It last succeeded 15 minutes ago and fails from now on: it waits as long again as it
        # has been failing, so 15, 30, 60, 120, 240 minutes, then the cap (6 hours).
        ExternalCalendar.objects.filter(pk=self.bad.pk).update(last_success_at=NOW - TICK)
        tried = self.beat_for(24)
        minutes = [int((b - a).total_seconds() // 60) for a, b in itertools.pairwise(tried)]
        cap = int(BACKOFF_CAP.total_seconds() // 60)
        self.assertEqual(cap, 360)
        self.assertEqual(minutes, [15, 30, 60, 120, 240, cap, cap], minutes)
        self.assertEqual(len(tried), 8)  # instead of 96

    def test_a_calendar_failing_for_days_is_tried_at_the_cap(self) -> None:
        ExternalCalendar.objects.filter(pk=self.bad.pk).update(
            last_error="http_status: 503", last_error_at=NOW - TICK
        )
        tried = self.beat_for(13)
        self.assertEqual(tried, [BACKOFF_CAP - TICK, 2 * BACKOFF_CAP - TICK])

    def test_a_healthy_calendar_is_still_synced_every_time(self) -> None:
        self.beat_for(2)
        good = [p for p, _h in self.server.requests if p == "/good.ics"]
        self.assertEqual(len(good), 8)

    def test_sync_now_tries_at_once_and_a_success_ends_the_backoff(self) -> None:
        self.beat_for(3)
        self.server.routes["/bad.ics"] = send_body(ICS)
        later = NOW + dt.timedelta(hours=3, minutes=5)
        with time_machine.travel(later, tick=False), self.captureOnCommitCallbacks(execute=True):
            calendar_request_sync(calendar=self.bad, force=True)
        calendar = ExternalCalendar.objects.get(pk=self.bad.pk)
        self.assertEqual(calendar.last_error, "")
        self.assertEqual(calendar.last_success_at, later)
        requests = len(self.server.requests)
        with time_machine.travel(later + TICK, tick=False):
            self.assertEqual(sync_all_calendars(), 2)
        self.assertEqual(len(self.server.requests), requests + 2)


class SoftTimeLimitTest(BaseTestCase):
    def test_a_soft_time_limit_during_the_import_is_recorded_as_a_timeout(self) -> None:
        # What Celery's pool does at the soft limit: a signal whose handler raises
        # SoftTimeLimitExceeded wherever the task is. Here in the expansion: 60 series shown as
        # free, 1,000 hours each (60,000 occurrences, within every cap), parse in milliseconds.
        # (In the parse icalendar would swallow it into a "broken property": docs, known limits.)
        events = "".join(
            f"BEGIN:VEVENT\r\nUID:e{i}\r\nDTSTAMP:20261130T000000Z\r\n"
            f"DTSTART;TZID=Asia/Tokyo:20261202T{i % 24:02d}0000\r\nDURATION:PT30M\r\n"
            "RRULE:FREQ=HOURLY;COUNT=1000\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"
            for i in range(60)
        )

        def soft_limit(_signum: int, _frame: object) -> None:
            raise SoftTimeLimitExceeded()

        previous = signal.signal(signal.SIGALRM, soft_limit)
        self.addCleanup(signal.signal, signal.SIGALRM, previous)
        self.addCleanup(signal.setitimer, signal.ITIMER_REAL, 0)
        # Where the signal lands is chance. Python swallows an exception raised inside a weakref
        # callback (it only prints it), so on a busy machine one landing in garbage collection
        # can go unseen and the import finishes; a fresh calendar is tried again, at most three
        # times. An import that really ignored the limit would finish all three.
        for attempt in range(3):
            calendar = ExternalCalendar.objects.create(
                nurse=self.w.nurse_sato,
                name=f"file {attempt}",
                uploaded_ics="BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
                + events
                + "END:VCALENDAR\r\n",
            )
            signal.setitimer(signal.ITIMER_REAL, 0.1)
            finished = sync_calendar(calendar.pk)
            signal.setitimer(signal.ITIMER_REAL, 0)
            if not finished:
                break
        self.assertFalse(finished)
        calendar.refresh_from_db()
        self.assertTrue(calendar.last_error.startswith("timeout"), calendar.last_error)

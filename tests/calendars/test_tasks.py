"""The Celery side: stable task names that beat and the worker find, and a sync of every
calendar that survives any one of them failing."""

from __future__ import annotations

from django.test import override_settings

from scheduling.calendars.tasks import sync_all_calendars
from scheduling.models import BusyBlock, ExternalCalendar
from tests.base import BaseTestCase
from yurikago.celery import app

from .helpers import LoopbackServer, send_body

ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
    b"DTSTAMP:20261130T000000Z\r\nDTSTART;TZID=Asia/Tokyo:20261202T090000\r\n"
    b"DTEND;TZID=Asia/Tokyo:20261202T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


class CalendarTasksTest(BaseTestCase):
    def test_the_worker_finds_the_tasks_beat_schedules(self) -> None:
        app.loader.import_default_modules()  # what a worker does at start: autodiscovery
        self.assertIn("scheduling.sync_all_calendars", app.tasks)
        self.assertIn("scheduling.sync_calendar", app.tasks)
        scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
        self.assertIn("scheduling.sync_all_calendars", scheduled)
        self.assertIsNotNone(app.tasks["scheduling.sync_calendar"].time_limit)

    @override_settings(CALENDAR_FETCH_ALLOW_LOOPBACK=True, CALENDAR_FETCH_TIMEOUT=1)
    def test_syncing_all_calendars_goes_on_past_a_broken_one(self) -> None:
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True  # run the fan-out in this process
        self.addCleanup(setattr, app.conf, "task_always_eager", eager)
        with LoopbackServer() as server:
            server.routes["/good.ics"] = send_body(ICS)
            server.routes["/bad.ics"] = send_body(b"nope", status=500)
            bad = ExternalCalendar.objects.create(
                nurse=self.w.nurse_sato, name="bad", url=server.url("/bad.ics")
            )
            good = ExternalCalendar.objects.create(
                nurse=self.w.nurse_kato, name="good", url=server.url("/good.ics")
            )
            ExternalCalendar.objects.create(
                nurse=self.w.nurse_ito, name="paused", url=server.url("/good.ics"), is_active=False
            )
            self.assertEqual(sync_all_calendars(), 2)
        self.assertTrue(ExternalCalendar.objects.get(pk=bad.pk).last_error)
        self.assertEqual(BusyBlock.objects.filter(calendar=good).count(), 1)
        self.assertEqual(BusyBlock.objects.count(), 1)

"""An uploaded file is stored, and the same task as an address's sync parses and expands it:
never the web request. The nurse sees "importing…", then the busy times or why they could not
be imported. Without a broker (`make run`) the task runs once the response has been sent."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler

import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TransactionTestCase, override_settings

from scheduling.calendars.tasks import sync_calendar
from scheduling.models import BusyBlock, ExternalCalendar
from tests.base import NOW, BaseTestCase, make_world
from tests.staff.helpers import sign_in_with_mfa
from yurikago.celery import app

from .helpers import Handler, LoopbackServer, send_body

PAGE = "/calendar/settings/"
UPLOAD = "/calendar/settings/calendars/upload/"
ADD = "/calendar/settings/calendars/add/"
ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
    b"DTSTAMP:20261130T000000Z\r\nDTSTART;TZID=Asia/Tokyo:20261202T090000\r\n"
    b"DTEND;TZID=Asia/Tokyo:20261202T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
BOMB = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:bomb@example.com\r\n"
    b"DTSTAMP:20261130T000000Z\r\nDTSTART;TZID=Asia/Tokyo:20261202T090000\r\nDURATION:PT1S\r\n"
    b"RRULE:FREQ=DAILY;BYHOUR="
    + b",".join(b"%d" % h for h in range(24))
    + b";BYMINUTE="
    + b",".join(b"%d" % m for m in range(60))
    + b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def upload(content: bytes, name: str = "home.ics") -> dict[str, object]:
    return {"file": SimpleUploadedFile(name, content, content_type="text/calendar")}


class UploadIsStoredTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        sign_in_with_mfa(self.client, self.w.nurse_sato.user)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def test_the_request_stores_the_file_and_expands_nothing(self) -> None:
        response = self.client.post(UPLOAD, upload(ICS), follow=True)
        calendar = ExternalCalendar.objects.get(nurse=self.w.nurse_sato)
        self.assertIn("BEGIN:VEVENT", calendar.uploaded_ics)
        self.assertIsNone(calendar.last_synced_at)
        self.assertFalse(BusyBlock.objects.exists())
        self.assertContains(response, "being imported")
        self.assertNotContains(response, "Calendar file imported")
        self.assertContains(response, "importing…")

    def test_the_sync_task_imports_it_and_the_page_shows_the_result(self) -> None:
        self.client.post(UPLOAD, upload(ICS))
        calendar = ExternalCalendar.objects.get(nurse=self.w.nurse_sato)
        self.assertTrue(sync_calendar(calendar.pk))
        self.assertEqual(BusyBlock.objects.filter(calendar=calendar).count(), 1)
        page = self.client.get(PAGE)
        self.assertNotContains(page, "importing…")
        self.assertContains(page, "<td>1</td>", html=False)

    def test_a_file_that_imports_badly_shows_why_and_no_success(self) -> None:
        self.client.post(UPLOAD, upload(BOMB))
        calendar = ExternalCalendar.objects.get(nurse=self.w.nurse_sato)
        self.assertFalse(sync_calendar(calendar.pk))
        page = self.client.get(PAGE)
        self.assertContains(page, "One repeating event would block too many times")
        self.assertNotContains(page, "importing…")
        self.assertFalse(BusyBlock.objects.exists())

    def test_a_file_that_is_not_a_calendar_is_refused_at_once_leaving_no_row(self) -> None:
        for content in (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", b"<html>hello</html>", b"\x89PNG"):
            response = self.client.post(UPLOAD, upload(content))
            self.assertContains(response, "not an iCalendar", status_code=400)
            self.assertNotContains(response, "being imported", status_code=400)
            self.assertNotContains(response, "imported.", status_code=400)
        self.assertFalse(ExternalCalendar.objects.exists())


def gated(body: bytes, gate: threading.Event) -> Handler:
    """The calendar server answers only once the test opens the gate."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        gate.wait(10)
        send_body(body)(request)

    return handler


@override_settings(CALENDAR_FETCH_ALLOW_LOOPBACK=True, CALENDAR_FETCH_TIMEOUT=5)
class WithoutABrokerTest(TransactionTestCase):
    """Real commits, as under `make run`: the task runs in a thread after the response."""

    def setUp(self) -> None:
        traveller = time_machine.travel(NOW, tick=True)
        traveller.start()
        self.addCleanup(traveller.stop)
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True  # no broker, as CELERY_TASK_ALWAYS_EAGER says
        self.addCleanup(setattr, app.conf, "task_always_eager", eager)
        self.addCleanup(self.join_background)
        self.w = make_world()
        sign_in_with_mfa(self.client, self.w.nurse_sato.user)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def join_background(self) -> None:
        for thread in threading.enumerate():
            if thread.name == "calendar-import":
                thread.join(10)

    def wait_for_sync(self, calendar: ExternalCalendar) -> ExternalCalendar:
        # Joined, not polled: SQLite's shared in-memory test database locks whole tables, so
        # reading while the import writes could fail for reasons that are not the code's.
        self.join_background()
        calendar.refresh_from_db()
        self.assertIsNotNone(calendar.last_synced_at, "the import never ran")
        return calendar

    def test_the_response_is_sent_before_the_calendar_is_fetched(self) -> None:
        gate = threading.Event()
        self.addCleanup(gate.set)
        with LoopbackServer() as server:
            server.routes["/cal.ics"] = gated(ICS, gate)
            response = self.client.post(ADD, {"name": "Work", "url": server.url("/cal.ics")})
            # The server has not answered yet, and the nurse already has her page.
            self.assertEqual(response.status_code, 302)
            calendar = ExternalCalendar.objects.get(nurse=self.w.nurse_sato)
            self.assertContains(self.client.get(PAGE), "importing…")
            gate.set()
            calendar = self.wait_for_sync(calendar)
        self.assertEqual(calendar.last_error, "")
        self.assertEqual(BusyBlock.objects.filter(calendar=calendar).count(), 1)
        self.assertNotContains(self.client.get(PAGE), "importing…")

    def test_an_upload_is_imported_after_the_response(self) -> None:
        response = self.client.post(UPLOAD, upload(ICS))
        self.assertEqual(response.status_code, 302)
        calendar = self.wait_for_sync(ExternalCalendar.objects.get(nurse=self.w.nurse_sato))
        self.assertEqual(calendar.last_error, "")
        self.assertEqual(calendar.block_count, 1)

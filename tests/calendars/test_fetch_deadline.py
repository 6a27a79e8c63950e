"""The overall fetch deadline holds against a server that drips its answer: one byte at a time,
each well inside the per-read timeout, in the body or in the header lines."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

from django.test import SimpleTestCase, override_settings

from scheduling.calendars.errors import SyncError
from scheduling.calendars.fetch import fetch

from .helpers import Handler, LoopbackServer

DRIP_FOR = 20.0  # seconds the server would go on dripping if nobody hung up


def drip_body(interval: float) -> Handler:
    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/calendar")
        request.send_header("Connection", "close")
        request.end_headers()
        request.wfile.write(b"BEGIN:VCALENDAR\r\n")
        request.wfile.flush()
        until = time.monotonic() + DRIP_FOR
        while time.monotonic() < until:
            request.wfile.write(b"X")
            request.wfile.flush()
            time.sleep(interval)

    return handler


def drip_headers(interval: float) -> Handler:
    def handler(request: BaseHTTPRequestHandler) -> None:
        request.wfile.write(b"HTTP/1.1 200 OK\r\n")
        request.wfile.flush()
        until, n = time.monotonic() + DRIP_FOR, 0
        while time.monotonic() < until:
            request.wfile.write(f"X-Drip-{n}: {'y' * 10}\r\n".encode())
            request.wfile.flush()
            n += 1
            time.sleep(interval)

    return handler


# The deadline is twice the per-read timeout: 2 s here, 20 s by default.
@override_settings(CALENDAR_FETCH_ALLOW_LOOPBACK=True, CALENDAR_FETCH_TIMEOUT=1)
class FetchDeadlineTest(SimpleTestCase):
    def setUp(self) -> None:
        self.server = LoopbackServer().__enter__()
        self.addCleanup(self.server.__exit__)

    def times_out_within(self, path: str, seconds: float) -> None:
        started = time.monotonic()
        with self.assertRaises(SyncError) as caught:
            fetch(self.server.url(path))
        elapsed = time.monotonic() - started
        self.assertEqual(caught.exception.code, "timeout", caught.exception)
        self.assertLess(elapsed, seconds)
        self.assertGreater(elapsed, 1.5)  # it really waited for the deadline, not less

    def test_a_body_dripped_one_byte_at_a_time_stops_at_the_deadline(self) -> None:
        self.server.routes["/drip.ics"] = drip_body(0.2)
        self.times_out_within("/drip.ics", 3.5)

    def test_header_lines_dripped_one_at_a_time_stop_at_the_deadline(self) -> None:
        self.server.routes["/drip.ics"] = drip_headers(0.2)
        self.times_out_within("/drip.ics", 3.5)

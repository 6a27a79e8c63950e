"""Shared by the calendar tests: a real HTTP server on 127.0.0.1 and bookings made quickly."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.test import TestCase

from scheduling.calendars.services import calendar_add_upload
from scheduling.models import Booking, ExternalCalendar, Nurse, Site
from tests.base import World

SHAPES = Path(__file__).parent / "shapes"
Handler = Callable[[BaseHTTPRequestHandler], None]


class LoopbackServer:
    """A calendar server on 127.0.0.1 at a free port. `routes` maps a path to a function that
    writes the response; every request's headers are kept in `requests` for assertions."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                outer.requests.append((self.path, dict(self.headers.items())))
                route = outer.routes.get(self.path.split("?")[0])
                try:
                    if route is None:
                        self.send_error(404)
                    else:
                        route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up on purpose (size cap, timeout)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, daemon=True, kwargs={"poll_interval": 0.05}
        )

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def send_body(
    body: bytes,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    content_type: str = "text/calendar; charset=utf-8",
) -> Handler:
    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(body)

    return handler


def etag_server_route(body: bytes, etag: str) -> Handler:
    """Answers 304 to a matching If-None-Match, like Google and Outlook do."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        if request.headers.get("If-None-Match") == etag:
            request.send_response(304)
            request.send_header("ETag", etag)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        send_body(body, headers={"ETag": etag, "Last-Modified": "Tue, 01 Dec 2026 00:00:00 GMT"})(
            request
        )

    return handler


def slow_route(seconds: float) -> Handler:
    def handler(request: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        send_body(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")(request)

    return handler


def endless_route(total: int, *, declare_length: bool) -> Handler:
    """`total` bytes of a calendar-looking body, streamed; without a length unless asked."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/calendar")
        if declare_length:
            request.send_header("Content-Length", str(total))
        else:
            request.send_header("Connection", "close")
            request.close_connection = True
        request.end_headers()
        head = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-PAD:"
        request.wfile.write(head)
        chunk = b"x" * 65536
        sent = len(head)
        while sent < total:
            request.wfile.write(chunk)
            sent += len(chunk)

    return handler


def redirect_route(location: str, status: int = 302) -> Handler:
    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        request.send_header("Location", location)
        request.send_header("Set-Cookie", "session=secret; Path=/")
        request.send_header("Content-Length", "0")
        request.end_headers()

    return handler


def make_bookings(
    w: World,
    count: int,
    *,
    nurse: Nurse | None = None,
    site: Site | None = None,
    first: dt.datetime | None = None,
) -> list[Booking]:
    """Confirmed bookings straight into the table, 30 minutes apart: for feeds, whose content
    does not depend on how a booking was made. Pregnancies are not needed for the feed."""
    nurse = nurse or w.nurse_sato
    site = site or w.aoto
    first = first or dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
    rows = []
    for i in range(count):
        start = first + dt.timedelta(minutes=30 * i)
        rows.append(
            Booking(
                municipality=w.katsushika,
                site=site,
                nurse=nurse,
                interview_type=w.itype,
                start=start,
                end=start + dt.timedelta(minutes=30),
                blocked_until=start + dt.timedelta(minutes=30),
                status=Booking.Status.CONFIRMED,
                room=1 + i % 2,
                confirmed_at=start - dt.timedelta(days=1),
            )
        )
    return Booking.objects.bulk_create(rows)


def import_upload(
    case: TestCase, *, nurse: Nurse, content: bytes, name: str = ""
) -> ExternalCalendar:
    """Upload a file and run the import it queues (the sync task, as a worker would), then the
    calendar as the page would show it."""
    with case.captureOnCommitCallbacks(execute=True):
        calendar = calendar_add_upload(nurse=nurse, content=content, name=name)
    calendar.refresh_from_db()
    return calendar

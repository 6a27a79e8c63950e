"""A feed address is a secret: its token never reaches a log line. Not gunicorn's access log,
not Django's 404/405 warnings (django.request), not the development server's request lines
(django.server, what `make run` prints)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.test import SimpleTestCase, TestCase
from gunicorn.config import Config

from scheduling.calendars.services import nurse_feed_revoke, nurse_feed_rotate
from tests.base import make_world

TOKEN = "Zm9vYmFyLXNlY3JldC1mZWVkLXRva2VuLTEyMzQ1Njc4OQ"  # token_urlsafe(32)'s shape
CONF = Path(__file__).resolve().parents[2] / "yurikago" / "gunicorn_conf.py"


@contextmanager
def captured(*names: str) -> Iterator[io.StringIO]:
    """Everything the configured handlers of these loggers (and their parents) write."""
    buffer = io.StringIO()
    swapped: list[tuple[logging.StreamHandler, object]] = []
    for name in names:
        logger: logging.Logger | None = logging.getLogger(name)
        while logger is not None:
            for handler in logger.handlers:
                if type(handler).__module__.startswith("_pytest"):
                    continue  # pytest's own capture, not this project's logging
                if isinstance(handler, logging.StreamHandler) and handler not in dict(swapped):
                    swapped.append((handler, handler.setStream(buffer)))
            logger = logger.parent if logger.propagate else None
    levels = {name: logging.getLogger(name).level for name in names}
    try:
        yield buffer
    finally:
        for handler, stream in swapped:
            handler.setStream(stream)  # type: ignore[arg-type]
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


class DjangoWarningsTest(TestCase):
    def test_404_and_405_warnings_do_not_carry_the_token(self) -> None:
        world = make_world()
        revoked = nurse_feed_rotate(nurse=world.nurse_sato)
        nurse_feed_revoke(nurse=world.nurse_sato)
        with captured("django.request") as logs:
            for token in (TOKEN, revoked):
                self.assertEqual(self.client.get(f"/calendar/nurse/{token}.ics").status_code, 404)
                self.assertEqual(self.client.post(f"/calendar/site/{token}.ics").status_code, 405)
        text = logs.getvalue()
        self.assertIn("/calendar/nurse/", text)  # the warnings were written, and seen here
        self.assertIn("Method Not Allowed", text)
        self.assertNotIn(TOKEN, text)
        self.assertNotIn(revoked, text)
        self.assertNotIn(TOKEN[:20], text)


class DevelopmentServerTest(SimpleTestCase):
    databases = {"default"}

    def test_the_request_lines_of_the_development_server_do_not_carry_the_token(self) -> None:
        server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
        server.set_app(WSGIHandler())
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        self.addCleanup(thread.join, 5)
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        host, port = server.server_address[:2]
        with captured("django.server") as logs:
            try:
                urllib.request.urlopen(
                    f"http://{host}:{port}/calendar/nurse/{TOKEN}.ics", timeout=5
                )
            except urllib.error.HTTPError as exc:
                self.assertEqual(exc.code, 404)
            server.shutdown()  # waits for the request's handling, its log line included
        text = logs.getvalue()
        self.assertIn("/calendar/nurse/", text)
        self.assertIn("404", text)
        self.assertNotIn(TOKEN, text)


class GunicornAccessLogTest(SimpleTestCase):
    def test_the_access_log_line_does_not_carry_the_token(self) -> None:
        spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", CONF)
        assert spec is not None and spec.loader is not None
        conf = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(conf)
        cfg = Config()
        cfg.set("access_log_format", conf.access_log_format)
        cfg.set("accesslog", "-")
        cfg.set("logger_class", conf.logger_class)
        logger = cfg.logger_class(cfg)
        buffer = io.StringIO()
        for handler in logger.access_log.handlers:
            handler.setStream(buffer)  # type: ignore[attr-defined]
        path = f"/calendar/site/{TOKEN}.ics"
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": path + "?x=1",
            "PATH_INFO": path,
            "QUERY_STRING": "x=1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "203.0.113.9",
            "HTTP_REFERER": f"https://example.jp{path}",
        }
        response = SimpleNamespace(status="200 OK", sent=1234, headers=[])
        request = SimpleNamespace(headers=[("USER-AGENT", "Google-Calendar-Importer")])
        logger.access(response, request, environ, dt.timedelta(milliseconds=12))
        text = buffer.getvalue()
        self.assertIn("/calendar/site/", text)
        self.assertIn("200", text)
        self.assertNotIn(TOKEN, text)

"""Errors reach the administrators (ADMINS mail, optionally Sentry) and the logs can be JSON,
and none of them carries personal data: no phone numbers, email addresses, form values, cookies,
local variables or secret tokens from URLs."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from typing import Any

import sentry_sdk
from django.core import mail
from django.http import HttpRequest, HttpResponse
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import path
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from yurikago.observability import JsonFormatter, PlainFormatter, scrub, sentry_init

from .settings_probe import ROOT, settings_value

PHONE = "+819011112222"
EMAIL = "hanako@example.jp"
NAME = "山田 花子"
FEED_TOKEN = "Qm9va2luZ3NGZWVkVG9rZW5JbkFVUkw"


def failing_view(request: HttpRequest, token: str) -> HttpResponse:
    resident_name = request.POST.get("name", "")  # a local variable holding personal data
    raise ValueError(f"no resident with phone {PHONE} or email {EMAIL} ({len(resident_name)})")


urlpatterns = [path("fail/<str:token>/", failing_view)]
PERSONAL = (PHONE, EMAIL, NAME, FEED_TOKEN, "090-1111-2222", "secret-session-id")


class FailingRequestMixin(TestCase):
    def fail_a_request(self) -> None:
        self.client.raise_request_exception = False
        self.client.cookies["sessionid"] = "secret-session-id"
        response = self.client.post(
            f"/fail/{FEED_TOKEN}/?phone=090-1111-2222", {"name": NAME, "phone": PHONE}
        )
        self.assertEqual(response.status_code, 500)

    def assertNothingPersonal(self, text: str) -> None:
        for value in PERSONAL:
            self.assertNotIn(value, text)


@override_settings(ROOT_URLCONF=__name__, DEBUG=False, ADMINS=["it@example.lg.jp"])
class AdminMailTest(FailingRequestMixin):
    def test_administrators_come_from_the_environment(self) -> None:
        admins = settings_value("ADMINS", SECRET_KEY="x", ADMINS="it@a.example, ops@b.example")
        self.assertEqual(admins, "['it@a.example', 'ops@b.example']")

    def test_a_server_error_mails_the_administrators_what_and_where(self) -> None:
        self.fail_a_request()
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["it@example.lg.jp"])
        self.assertIn("ValueError", message.body)
        self.assertIn("failing_view", message.body)
        self.assertIn("POST /fail/", message.body)

    def test_the_mail_holds_no_personal_data(self) -> None:
        self.fail_a_request()
        message = mail.outbox[0]
        self.assertNothingPersonal(message.subject + message.body)
        self.assertEqual(message.alternatives, [])  # no HTML page of request and local values


class CaptureTransport(Transport):
    envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
class SentryTest(FailingRequestMixin):
    def setUp(self) -> None:
        CaptureTransport.envelopes = []
        sentry_init(
            dsn="https://public@sentry.example/1", environment="test", transport=CaptureTransport
        )
        self.addCleanup(sentry_sdk.init)  # no DSN: off again for the other tests

    def events(self) -> list[dict[str, Any]]:
        sentry_sdk.flush()
        return [
            item.payload.json
            for envelope in CaptureTransport.envelopes
            for item in envelope.items
            if item.type == "event" and item.payload.json is not None
        ]

    def test_a_server_error_reaches_sentry_with_its_exception(self) -> None:
        self.fail_a_request()
        events = self.events()
        self.assertEqual(len(events), 1)
        exception = events[0]["exception"]["values"][-1]
        self.assertEqual(exception["type"], "ValueError")
        self.assertEqual(events[0]["environment"], "test")

    def test_the_event_holds_no_personal_data(self) -> None:
        self.fail_a_request()
        event = self.events()[0]
        frames = event["exception"]["values"][-1]["stacktrace"]["frames"]
        for frame in frames:  # source lines: this file's constants, not data from the request
            for key in ("pre_context", "context_line", "post_context"):
                frame.pop(key, None)
        self.assertNothingPersonal(json.dumps(event, ensure_ascii=False))
        self.assertNotIn("user", event)
        request = event.get("request", {})
        for key in ("data", "cookies", "headers", "query_string", "env"):
            self.assertNotIn(key, request)
        for frame in event["exception"]["values"][-1]["stacktrace"]["frames"]:
            self.assertNotIn("vars", frame)


class LogFormatTest(SimpleTestCase):
    def record(self, logger: logging.Logger, message: str, *args: object) -> str:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(self.formatter)
        logger.addHandler(handler)
        self.addCleanup(logger.removeHandler, handler)
        try:
            raise RuntimeError(f"send to {PHONE} failed")
        except RuntimeError:
            logger.error(message, *args, exc_info=True)
        return stream.getvalue()

    def test_json_log_lines_are_one_object_each_with_the_usual_fields(self) -> None:
        self.formatter: logging.Formatter = JsonFormatter()
        logger = logging.getLogger("yurikago.test.json")
        line = self.record(logger, "message %s failed", 42)
        self.assertEqual(line.count("\n"), 1)
        entry = json.loads(line)
        self.assertEqual(entry["level"], "ERROR")
        self.assertEqual(entry["logger"], "yurikago.test.json")
        self.assertEqual(entry["message"], "message 42 failed")
        self.assertIn("RuntimeError", entry["exception"])
        self.assertIn("time", entry)

    def test_neither_format_writes_phone_numbers_or_emails(self) -> None:
        for formatter in (JsonFormatter(), PlainFormatter("%(levelname)s %(message)s")):
            self.formatter = formatter
            logger = logging.getLogger("yurikago.test.scrub")
            text = self.record(logger, "no resident for %s / %s", EMAIL, "03-3602-1284")
            self.assertNothingPersonal(text)
            self.assertNotIn("03-3602-1284", text)
            self.assertIn("no resident for", text)

    def assertNothingPersonal(self, text: str) -> None:
        for value in PERSONAL:
            self.assertNotIn(value, text)

    def test_log_format_json_is_chosen_from_the_environment(self) -> None:
        formatter = settings_value(
            "LOGGING['handlers']['console']['formatter']", SECRET_KEY="x", LOG_FORMAT="json"
        )
        self.assertEqual(formatter, "'json'")

    def test_scrub_keeps_dates_ids_and_references(self) -> None:
        text = "booking 1234 ACDE-FG34 on 2026-12-01 at 10:00, message 98765"
        self.assertEqual(scrub(text), text)


class SettingsWiringTest(SimpleTestCase):
    def run_settings(self, code: str, **env: str) -> subprocess.CompletedProcess[str]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SENTRY"))}
        clean.update(env, SECRET_KEY="x", ENV_FILE="/nonexistent")
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'yurikago.settings'; "
                f"from django.conf import settings; settings.DEBUG; {code}",
            ],
            cwd=ROOT,
            env=clean,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def test_a_sentry_dsn_switches_sentry_on_with_the_scrubber(self) -> None:
        code = (
            "import sentry_sdk; client = sentry_sdk.get_client(); "
            "print(client.is_active(), client.options['before_send'].__name__)"
        )
        on = self.run_settings(code, SENTRY_DSN="https://public@sentry.example/1")
        self.assertEqual(on.stdout.split(), ["True", "sentry_before_send"], on.stderr)
        off = self.run_settings("import sentry_sdk; print(sentry_sdk.get_client().is_active())")
        self.assertEqual(off.stdout.strip(), "False", off.stderr)

    def test_an_unknown_log_format_stops_the_start(self) -> None:
        done = self.run_settings("pass", LOG_FORMAT="xml")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("LOG_FORMAT must be plain or json", done.stderr)

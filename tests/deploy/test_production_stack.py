"""The production stack of deploy/, started for real: nginx (TLS, self-signed) in front of
gunicorn, a Celery worker and beat on Redis, PostgreSQL, the fake Twilio and an SMTP sink.

Through HTTPS on nginx an integration books, reschedules and cancels; the SMS arrive at the fake
Twilio and the emails (with their .ics) at the sink; the health checks answer; HSTS (and CSP
when the settings define one) are on the responses; the rate limits tell two clients apart by
the address nginx puts in X-Forwarded-For. Everything runs on 127.0.0.1 with free ports and
stops at the end. CI's PostgreSQL pass runs it; elsewhere it skips saying what is missing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import SimpleTestCase

from tests.base import in_ci, require_postgres
from tests.fakes.twilio import FakeTwilio

from .helpers import DEPLOY, postgres_url, psql
from .stack import (
    Https,
    Processes,
    SmtpSink,
    env_file,
    exec_start,
    free_port,
    nginx_main_config,
    nginx_site,
    run_manage,
    self_signed_certificate,
    units_for_this_checkout,
    wait_for,
)

pytestmark = [pytest.mark.postgres, pytest.mark.services]

REDIS_URL = "redis://127.0.0.1:6379/9"  # this test's own Redis database
RATE_PER_ADDRESS = 15
PHONE = "+819012345678"
EMAIL = "resident@stack.example"

# Run with the production settings inside `manage.py shell`: one municipality with one site open
# every day and a nurse there around the clock, and a resident with a pregnancy.
WORLD = f"""
import datetime as dt
from django.utils import timezone
from scheduling.models import (AvailabilityRule, InterviewType, Municipality, Nurse, Pregnancy,
    Resident, Site, User)
town = Municipality.objects.create(code="stack-town", name="スタック町", branding_name="面談")
site = Site.objects.create(municipality=town, code="hall", name="スタック町役場",
    address="中央1-1", rooms=2, open_weekdays=[0, 1, 2, 3, 4, 5, 6],
    closed_on_public_holidays=False, year_end_start="", year_end_end="", modes=["in_person"])
InterviewType.objects.create(municipality=town, code="first", name="面談", duration_minutes=30,
    slot_step_minutes=30, modes=["in_person"], min_notice_hours=0, max_days_ahead=14,
    reminder_hours_before=[])
nurse = Nurse.objects.create(user=User.objects.create_user(email="nurse@stack.example"),
    municipality=town, name="看護 一")
nurse.sites.add(site)
for weekday in range(7):
    AvailabilityRule.objects.create(nurse=nurse, site=site, weekday=weekday,
        start_time=dt.time(0, 0), end_time=dt.time(23, 30),
        valid_from=timezone.localdate() - dt.timedelta(days=1))
user = User.objects.create_user(email="{EMAIL}", phone="{PHONE}")
resident = Resident.objects.create(user=user, municipality=town, name="住民 花子",
    phone="{PHONE}", email="{EMAIL}")
print(site.pk, Pregnancy.objects.create(resident=resident).pk)
"""

MESSAGES_SQL = (
    "SELECT purpose, channel, status, send_at, error_code, last_error FROM notifications_message"
)


def need(condition: bool, reason: str) -> None:
    """Skip with the reason on a developer's machine; under CI a missing piece is a failure."""
    if not condition:
        if in_ci():
            pytest.fail(f"CI must run the production stack test: {reason}")
        pytest.skip(reason)


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


class ProductionStackTest(SimpleTestCase):
    def setUp(self) -> None:
        require_postgres()
        need(shutil.which("nginx") is not None, "needs nginx (apt-get install nginx-light)")
        need(shutil.which("openssl") is not None, "needs openssl")
        need(redis_answers(), f"needs Redis at {REDIS_URL}")
        self.started = time.monotonic()
        self.tmp = Path(tempfile.mkdtemp(prefix="yurikago-stack-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.database()
        # Cleanups run last-in first-out: every process stops before its database is dropped.
        self.processes = Processes(logs=self.tmp)
        self.addCleanup(self.processes.stop_all)
        self.env = self.production_env()

    def database(self) -> None:
        """A fresh PostgreSQL database of its own, dropped at the end."""
        self.db_name = f"{connection.settings_dict['NAME']}_stack"
        server = postgres_url(connection.settings_dict, "postgres")
        psql(server, f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        psql(server, f'CREATE DATABASE "{self.db_name}"')
        self.addCleanup(psql, server, f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()  # database 9: this test's alone

    def production_env(self) -> dict[str, str]:
        self.https_port, self.http_port, self.web_port = free_port(), free_port(), free_port()
        self.site_root = f"https://127.0.0.1:{self.https_port}"
        env = env_file(DEPLOY / "yurikago.env.example")
        env.update(
            {
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": "127.0.0.1",
                "CSRF_TRUSTED_ORIGINS": self.site_root,
                "SITE_ROOT": self.site_root,
                "DEFAULT_MUNICIPALITY": "stack-town",
                "DATABASE_URL": postgres_url(connection.settings_dict, self.db_name),
                "REDIS_URL": REDIS_URL,
                "GUNICORN_BIND": f"127.0.0.1:{self.web_port}",
                # Two of the shipped sync workers (gunicorn_conf.py's default shape).
                "GUNICORN_WORKERS": "2",
                "STATIC_ROOT": str(self.tmp / "static"),
                "EMAIL_BACKEND_KIND": "smtp",
                "SMTP_HOST": "127.0.0.1",
                "SMTP_USER": "",
                "SMTP_PASSWORD": "",
                "SMTP_USE_TLS": "False",
                "DEFAULT_FROM_EMAIL": "yoyaku@stack.example",
                "TWILIO_STATUS_CALLBACK_URL": "",
                "ADMINS": "",
                "API_RATE_IP": str(RATE_PER_ADDRESS),
                "MESSAGE_DISPATCH_INTERVAL_SECONDS": "2",
                "CIVIL_HOURS_START": "0",
                "CIVIL_HOURS_END": "24",
                "ENV_FILE": str(self.tmp / "no-such.env"),  # nothing from a developer's .env
                "PATH": os.environ["PATH"],
                "HOME": str(self.tmp),
                "LANG": "C.UTF-8",
            }
        )
        return env

    # --- the stack -------------------------------------------------------------------------

    def release_step(self) -> tuple[int, int, str]:
        """What docs/deployment.md runs once per deploy, then the municipality's data."""
        run_manage(["migrate", "--no-input", "-v0"], self.env, timeout=150)
        run_manage(["collectstatic", "--no-input", "-v0"], self.env)
        created = run_manage(["shell", "-c", WORLD], self.env).strip().splitlines()[-1]
        site_id, pregnancy_id = created.split()
        token = run_manage(["api_token", "create", "stack-town", "stack test"], self.env)
        return int(site_id), int(pregnancy_id), token.strip().splitlines()[-1]

    def start(self, fake: FakeTwilio, sink: SmtpSink) -> Https:
        env = {**self.env, **fake.env(), "SMTP_PORT": str(sink.port)}
        state = self.tmp / "state"
        (state / "yurikago").mkdir(parents=True)  # what StateDirectory=yurikago creates
        for unit in ("yurikago-web", "yurikago-worker", "yurikago-beat"):
            self.processes.start(unit, exec_start(f"{unit}.service", state), env)
        cert, _key = self_signed_certificate(self.tmp)
        site = nginx_site(
            https_port=self.https_port,
            http_port=self.http_port,
            upstream_port=self.web_port,
            tmp=self.tmp,
        )
        conf = nginx_main_config(self.tmp, site)
        self.processes.start("nginx", ["nginx", "-c", str(conf), "-g", "daemon off;"], env)
        https = Https(self.https_port, cert)
        wait_for(
            lambda: self.answers(https, "/healthz"),
            timeout=60,
            what="gunicorn behind nginx",
            processes=self.processes,
        )
        self.beat_schedule = state / "yurikago"
        return https

    def answers(self, https: Https, path: str) -> bool:
        try:
            return https.request("GET", path).status == 200
        except OSError:
            return False

    # --- the test ----------------------------------------------------------------------------

    def test_the_deploy_stack_books_sends_and_protects_behind_nginx(self) -> None:
        site_id, pregnancy_id, token = self.release_step()
        with FakeTwilio() as fake, SmtpSink() as sink:
            https = self.start(fake, sink)
            try:
                self.book_reschedule_and_cancel(https, token, site_id, pregnancy_id, fake, sink)
                self.messages_arrived(fake, sink)
                self.health_checks_and_headers(https)
                self.rate_limits_tell_clients_apart(https)
                self.logs_are_json_without_personal_data()
            except AssertionError:
                for name in self.processes.running:
                    print(f"--- {name}\n{self.processes.tail(name)}")
                print(psql(self.env["DATABASE_URL"], MESSAGES_SQL))
                raise
        self.assertTrue(any(self.beat_schedule.iterdir()), "beat keeps its schedule in state")
        self.assertLess(time.monotonic() - self.started, 180)

    def book_reschedule_and_cancel(
        self,
        https: Https,
        token: str,
        site_id: int,
        pregnancy_id: int,
        fake: FakeTwilio,
        sink: SmtpSink,
    ) -> None:
        """Each step waits for its notice: a later change voids a notice not yet sent."""
        auth = {"Authorization": f"Bearer {token}"}
        client = "127.0.0.3"  # the integration: its own address, its own rate-limit bucket
        tomorrow = dt.date.today() + dt.timedelta(days=1)
        slots = https.request(
            "GET",
            f"/api/v1/availability/?site={site_id}&from={tomorrow}"
            f"&to={tomorrow + dt.timedelta(days=1)}",
            headers=auth,
            source=client,
        )
        self.assertEqual(slots.status, 200, slots.body)
        starts = [slot["start"] for slot in slots.json()["slots"]]
        self.assertGreater(len(starts), 4)
        booked = https.request(
            "POST",
            "/api/v1/bookings/",
            body={
                "site": site_id,
                "start": starts[0],
                "pregnancy": pregnancy_id,
                "notify_email": True,
            },
            headers=auth,
            source=client,
        )
        self.assertEqual(booked.status, 201, booked.body)
        self.wait_for_messages(fake, sink, 1)
        reference = booked.json()["reference"]
        moved = https.request(
            "POST",
            f"/api/v1/bookings/{reference}/reschedule/",
            body={"start": starts[3]},
            headers=auth,
            source=client,
        )
        self.assertEqual(moved.status, 200, moved.body)
        self.assertEqual(moved.json()["start"], starts[3])
        self.wait_for_messages(fake, sink, 2)
        cancelled = https.request(
            "POST",
            f"/api/v1/bookings/{reference}/cancel/",
            body={"reason": ""},
            headers=auth,
            source=client,
        )
        self.assertEqual(cancelled.status, 200, cancelled.body)
        self.assertEqual(cancelled.json()["status"], "cancelled")
        self.wait_for_messages(fake, sink, 3)

    def wait_for_messages(self, fake: FakeTwilio, sink: SmtpSink, count: int) -> None:
        wait_for(
            lambda: len(fake.sent) >= count and len(sink.messages) >= count,
            timeout=30,
            what=f"{count} SMS at the fake Twilio and {count} emails at the SMTP sink",
            processes=self.processes,
        )

    def messages_arrived(self, fake: FakeTwilio, sink: SmtpSink) -> None:
        self.assertEqual(len(fake.sent), 3)
        self.assertEqual(len(sink.messages), 3)
        self.assertEqual({m.to for m in fake.sent}, {PHONE})
        self.assertEqual({m["To"] for m in sink.messages}, {EMAIL})
        calendars = [
            part
            for message in sink.messages
            for part in message.walk()
            if part.get_content_type() == "text/calendar"
        ]
        self.assertGreaterEqual(len(calendars), 1, "the confirmation carries an .ics")
        self.assertIn(b"BEGIN:VCALENDAR", calendars[0].get_payload(decode=True))
        texts = [
            part.get_payload(decode=True).decode()
            for message in sink.messages
            for part in message.walk()
            if part.get_content_type() == "text/plain"
        ]
        self.assertTrue(any(f"{self.site_root}/bookings/" in text for text in texts))

    def health_checks_and_headers(self, https: Https) -> None:
        health = https.request("GET", "/healthz")
        self.assertEqual(health.status, 200, health.body)
        self.assertEqual(health.json()["checks"], {"database": "ok", "broker": "ok"})
        hsts = health.headers.get_all("Strict-Transport-Security") or []
        self.assertEqual(hsts, ["max-age=31536000; includeSubDomains; preload"])
        messages = wait_for(
            lambda: (r := https.request("GET", "/healthz/messages")).status == 200 and r,
            timeout=20,
            what="/healthz/messages to be ok",
            processes=self.processes,
        )
        self.assertEqual(messages.json()["status"], "ok")
        page = https.request("GET", "/", headers={"Accept": "text/html"})
        self.assertEqual(page.status, 200, page.body[:500])
        self.assertEqual(page.headers.get_all("Strict-Transport-Security"), hsts)
        csp = page.headers.get("Content-Security-Policy", "")
        self.assertIn("default-src 'self'", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        redirect = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
             f"http://127.0.0.1:{self.http_port}/healthz"],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        if redirect.returncode == 0:
            self.assertTrue(redirect.stdout.startswith("301 https://127.0.0.1/healthz"))

    def logs_are_json_without_personal_data(self) -> None:
        """LOG_FORMAT=json (the env file's): the worker's and beat's lines are JSON objects, and
        no log of the stack holds the resident's phone number or email address."""
        for name in ("yurikago-worker", "yurikago-beat"):
            lines = [line for line in self.processes.tail(name, 10_000).splitlines() if line]
            entries = [json.loads(line) for line in lines if line.startswith("{")]
            self.assertGreater(len(entries), 0, name)
            self.assertTrue(all("level" in entry and "message" in entry for entry in entries))
        for name in self.processes.running:
            log = self.processes.tail(name, 100_000)
            self.assertNotIn(PHONE, log, name)
            self.assertNotIn(PHONE.replace("+81", "0"), log, name)
            self.assertNotIn(EMAIL, log, name)

    def rate_limits_tell_clients_apart(self, https: Https) -> None:
        for _ in range(RATE_PER_ADDRESS):
            self.assertEqual(https.request("GET", "/api/v1/sites/", source="127.0.0.1").status, 200)
        self.assertEqual(https.request("GET", "/api/v1/sites/", source="127.0.0.1").status, 429)
        forged = {"X-Forwarded-For": "203.0.113.9"}  # nginx replaces it with the real address
        limited = https.request("GET", "/api/v1/sites/", source="127.0.0.1", headers=forged)
        self.assertEqual(limited.status, 429)
        self.assertEqual(https.request("GET", "/api/v1/sites/", source="127.0.0.2").status, 200)


class UnitFilesTest(SimpleTestCase):
    def test_the_units_pass_systemd_analyze_verify(self) -> None:
        need(shutil.which("systemd-analyze") is not None, "needs systemd-analyze (package systemd)")
        tmp = Path(tempfile.mkdtemp(prefix="yurikago-units-"))
        self.addCleanup(shutil.rmtree, tmp, True)
        units = units_for_this_checkout(tmp)
        done = subprocess.run(
            ["systemd-analyze", "verify", *map(str, units)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        problems = [line for line in done.stderr.splitlines() if "yurikago" in line]
        self.assertEqual(problems, [])

    def test_every_service_runs_as_the_yurikago_user_with_the_environment_file(self) -> None:
        from .stack import unit_directives

        units = ("web", "worker", "beat", "backup", "retention")
        for unit in (f"yurikago-{name}" for name in units):
            directives: dict[str, Any] = unit_directives(f"{unit}.service")
            self.assertEqual(directives["User"], ["yurikago"], unit)
            self.assertEqual(directives["EnvironmentFile"], ["/etc/yurikago/yurikago.env"], unit)

    def test_beat_keeps_its_schedule_in_its_state_directory(self) -> None:
        from .stack import unit_directives

        beat = unit_directives("yurikago-beat.service")
        self.assertEqual(beat["StateDirectory"], ["yurikago"])
        self.assertIn("-s %S/yurikago/celerybeat-schedule", beat["ExecStart"][0])

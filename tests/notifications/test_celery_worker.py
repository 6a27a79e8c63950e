"""Real components: a Celery worker and beat on the local Redis deliver messages end to end,
survive a broker outage during a booking, and a worker killed in the middle of a send.

PostgreSQL pass only: the worker is another process and must share the test database
(pytest-django's test_<name>), which an in-memory SQLite database cannot be. Redis DB 5.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone

from notifications.models import Message
from scheduling.models import Booking
from scheduling.services import booking_create
from tests.base import TOKYO, World, make_world, redis_or_skip, require_postgres
from tests.fakes.twilio import FakeTwilio
from tests.notifications.helpers import login_codes_due
from yurikago.errors import DomainError

REDIS_URL = "redis://127.0.0.1:6379/5"
CELERY = str(Path(sys.executable).with_name("celery"))
ROOT = Path(settings.BASE_DIR)


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL, socket_timeout=2).flushdb()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def celery_publishing_to(url: str) -> Iterator[None]:
    """Make this (test) process publish to a real broker instead of running tasks eagerly."""
    from yurikago.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app._after_fork()  # drop pooled connections to the previous broker
    app.conf.task_always_eager, app.conf.broker_url = False, url
    try:
        yield
    finally:
        app._after_fork()
        app.conf.task_always_eager, app.conf.broker_url = saved


def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


@pytest.mark.services
class CeleryWorkerTest(TransactionTestCase):
    w: World

    def setUp(self) -> None:
        require_postgres()
        redis_or_skip()
        _flush_redis()
        self.addCleanup(_flush_redis)
        self.w = make_world()
        self.twilio = FakeTwilio().start()
        self.addCleanup(self.twilio.stop)
        self.tmp = tempfile.TemporaryDirectory(prefix="yurikago-celery-")
        self.addCleanup(self.tmp.cleanup)
        self.processes: list[subprocess.Popen[bytes]] = []

    # --- processes ------------------------------------------------------------------------
    def env(self, **extra: str) -> dict[str, str]:
        db = connection.settings_dict
        env = {
            **os.environ,
            **self.twilio.env(),
            "DJANGO_SETTINGS_MODULE": "yurikago.settings",
            "SECRET_KEY": "tests-only",
            "DEBUG": "False",
            "REDIS_URL": REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "False",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "MESSAGE_DISPATCH_INTERVAL_SECONDS": "1",
            "MESSAGE_RETRY_BACKOFF_SECONDS": "1",
            "PROVIDER_TIMEOUT_SECONDS": "5",
            "LOG_LEVEL": "WARNING",
            "SITE_ROOT": "http://127.0.0.1:9",  # callbacks are tested elsewhere
        }
        env.update(extra)
        return env

    def start(self, kind: str, **extra: str) -> subprocess.Popen[bytes]:
        log = open(Path(self.tmp.name) / f"{kind}-{len(self.processes)}.log", "wb")
        self.addCleanup(log.close)
        if kind == "worker":
            args = [
                "worker",
                "--pool=prefork",
                "--concurrency=2",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"notif-test-{os.getpid()}-{len(self.processes)}@%h",
            ]
        else:
            args = ["beat", "-s", str(Path(self.tmp.name) / "beat-schedule")]
        process = subprocess.Popen(
            [CELERY, "-A", "yurikago", *args, "--loglevel=WARNING"],
            cwd=ROOT,
            env=self.env(**extra),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the kill reaches its children
        )
        self.processes.append(process)
        self.addCleanup(self.kill, process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(
            f"== {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(Path(self.tmp.name).glob("*.log"))
        )

    # --- bookings in real time (the worker's clock is the real one) -------------------------
    def book(self, days_ahead: int = 5) -> Booking:
        now = timezone.now()
        day = now.astimezone(TOKYO).date() + dt.timedelta(days=days_ahead)
        for offset in range(30):
            start = dt.datetime.combine(day + dt.timedelta(days=offset), dt.time(10), tzinfo=TOKYO)
            try:
                return booking_create(
                    site=self.w.aoto,
                    interview_type=self.w.itype,
                    start=start,
                    pregnancy=self.w.hanako_pregnancy,
                    now=now,
                )
            except DomainError:
                continue  # a weekend, a holiday or the year-end break
        raise AssertionError("no bookable day in the next month")

    def sms(self, booking: Booking) -> list[Message]:
        return list(Message.objects.filter(booking=booking, channel="sms").order_by("id"))

    def assert_within(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        if not wait_until(condition, timeout):
            self.fail(f"{what} within {timeout}s\n{self.logs()}")

    # --- the tests --------------------------------------------------------------------------
    def test_worker_and_beat_deliver_the_confirmation_and_the_due_reminders_once(self) -> None:
        self.start("worker")
        self.start("beat")
        with celery_publishing_to(REDIS_URL):
            booking = self.book()
        self.assert_within(lambda: len(self.twilio.sent) >= 1, 60, "the confirmation arrived")
        reminders = Message.objects.filter(booking=booking, purpose="reminder", channel="sms")
        self.assertEqual(reminders.count(), 2)
        # The clock reaches the reminders' time (the worker's clock is real: move them instead).
        reminders.update(send_at=timezone.now() - dt.timedelta(minutes=1))
        self.assert_within(lambda: len(self.twilio.sent) >= 3, 30, "both reminders arrived")
        time.sleep(3)  # a few more dispatcher runs must not send anything again
        self.assertEqual(len(self.twilio.requests), 3)
        rows = self.sms(booking)
        self.assertEqual({m.status for m in rows}, {"sent"})
        self.assertEqual({m.provider_id for m in rows}, {m.sid for m in self.twilio.sent})

    def test_a_booking_made_while_redis_is_down_succeeds_and_its_messages_go_later(self) -> None:
        with celery_publishing_to(f"redis://127.0.0.1:{_closed_port()}/5"):
            started = time.monotonic()
            booking = self.book()
            self.assertLess(time.monotonic() - started, 5, "the booking waited on the broker")
        self.assertEqual(booking.status, "confirmed")
        self.assertEqual({m.status for m in self.sms(booking)}, {"pending"})
        # The broker is back: beat and a worker pick the rows up from the database.
        self.start("worker")
        self.start("beat")
        self.assert_within(lambda: len(self.twilio.sent) == 1, 60, "the confirmation arrived")
        confirmation = Message.objects.get(booking=booking, purpose="confirmation", channel="sms")
        self.assert_within(
            lambda: Message.objects.get(pk=confirmation.pk).status == "sent",
            10,
            "the confirmation was recorded",
        )

    def crash_mid_send(self, step: tuple[str, float]) -> Message:
        """Start a worker, let it call Twilio, kill it there; return the row it was sending."""
        self.twilio.script(step)
        worker = self.start("worker", MESSAGE_LEASE_SECONDS="4", PROVIDER_TIMEOUT_SECONDS="25")
        self.start("beat", MESSAGE_LEASE_SECONDS="4")
        booking = self.book()  # eager wake-up is off here: beat finds the row
        if not self.twilio.wait_for_requests(1, timeout=60):
            self.fail(f"the worker never called Twilio\n{self.logs()}")
        self.kill(worker)
        row = Message.objects.get(booking=booking, purpose="confirmation", channel="sms")
        self.assertEqual(row.status, "sending")
        self.assertIsNotNone(row.attempt_started_at)
        self.start("worker", MESSAGE_LEASE_SECONDS="4")
        return row

    def test_a_worker_killed_after_twilio_accepted_does_not_send_twice(self) -> None:
        with celery_publishing_to(f"redis://127.0.0.1:{_closed_port()}/5"):
            row = self.crash_mid_send(("accept_then_hang", 20))
        self.assert_within(
            lambda: Message.objects.get(pk=row.pk).status == "sent",
            40,
            "the reconciler recorded the send",
        )
        time.sleep(2)
        row.refresh_from_db()
        self.assertEqual(len(self.twilio.requests), 1)  # asked, found, not resent
        self.assertEqual(row.provider_id, self.twilio.sent[0].sid)

    def test_a_worker_killed_before_twilio_accepted_sends_exactly_once_later(self) -> None:
        with celery_publishing_to(f"redis://127.0.0.1:{_closed_port()}/5"):
            row = self.crash_mid_send(("hang", 20))
        self.assert_within(
            lambda: Message.objects.get(pk=row.pk).status == "sent",
            40,
            "the message was sent again",
        )
        time.sleep(2)
        row.refresh_from_db()
        self.assertEqual(len(self.twilio.sent), 1)
        self.assertEqual(len(self.twilio.requests), 2)
        self.assertEqual(row.provider_id, self.twilio.sent[0].sid)

    def test_one_tick_drains_a_wave_larger_than_a_page(self) -> None:
        from notifications.tasks import wake_dispatcher

        self.start("worker", MESSAGE_DISPATCH_PAGE="3")  # no beat: only the tick we give
        login_codes_due(self.w.katsushika, 7)
        with celery_publishing_to(REDIS_URL):
            wake_dispatcher()
        # 3 + 3 + 1: each full page queued the next run itself
        self.assert_within(lambda: len(self.twilio.sent) >= 7, 60, "all seven were sent")
        time.sleep(1)
        self.assertEqual(len(self.twilio.requests), 7)
        self.assertEqual(Message.objects.filter(status="sent").count(), 7)

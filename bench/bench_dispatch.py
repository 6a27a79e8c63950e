"""Dispatch throughput: PostgreSQL outbox → Redis → one Celery worker → Twilio (a loopback fake).

A morning reminder wave: N reminders all due at the same moment. One tick of the dispatcher (a
nudge, as beat's minute tick or a booking's commit gives it; beat itself runs at its production
interval) claims a page of 500 due rows, enqueues them in batches of 20 and, the page being
full, queues the next page behind them; one worker sends each batch (one read, one take, one
record per batch) through the real `twilio` client, pointed at tests/fakes/twilio.py.

Prints messages/s (first due → last provider call) and the delay from send_at to the provider
call (p50/p95) across the wave, which is mostly waiting in line behind the rest of the wave.
Then, with the workers idle, single messages made due one at a time and nudged as a booking's
commit nudges the dispatcher: their send_at → provider call is what a confirmation waits.

Needs PostgreSQL (database bench_notifications, created if missing) and Redis (DB 6) on
127.0.0.1.

    .venv/bin/python bench/bench_dispatch.py [--messages 2000] [--concurrency 4] [--singles 30]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "bench_notifications"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = "redis://127.0.0.1:6379/6"


def setup_django() -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "yurikago.settings",
            "SECRET_KEY": "bench-only",
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "LOG_LEVEL": "WARNING",
        }
    )
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], capture_output=True, check=False
    )  # exists already: fine
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def make_wave(count: int) -> list[int]:
    """One booking and `count` reminder rows (distinct occurrences), not yet due."""
    from django.utils import timezone

    from notifications.models import Message
    from scheduling.models import Booking
    from tests.base import make_world

    w = make_world()
    now = timezone.now()
    start = now + dt.timedelta(days=30)
    booking = Booking.objects.create(
        municipality=w.katsushika,
        pregnancy=w.hanako_pregnancy,
        site=w.aoto,
        nurse=w.nurse_sato,
        interview_type=w.itype,
        start=start,
        end=start + dt.timedelta(minutes=30),
        blocked_until=start + dt.timedelta(minutes=30),
        status=Booking.Status.CONFIRMED,
        language="ja",
    )
    far = now + dt.timedelta(days=1)
    Message.objects.bulk_create(
        [
            Message(
                booking=booking,
                municipality=w.katsushika,
                purpose="reminder",
                channel="sms",
                occurrence=f"{i}h-s0",
                recipient=f"+8190{i:08d}",
                send_at=far,
            )
            for i in range(count)
        ],
        batch_size=1000,
    )
    return list(Message.objects.values_list("id", flat=True))


def start(kind: str, env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    celery = str(Path(sys.executable).with_name("celery"))
    return subprocess.Popen(
        [celery, "-A", "yurikago", kind, *args, "--loglevel=WARNING"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def message_id_of(request: Any) -> int:
    """Our row id, from the status callback address the sender gave Twilio."""
    query = urllib.parse.urlsplit(request.form.get("StatusCallback", "")).query
    return int(dict(urllib.parse.parse_qsl(query)).get("m", 0))


def send_singles(fake: Any, ids: list[int], deadline: float) -> list[float]:
    """Make each row due alone, nudge the dispatcher, wait for its provider call."""
    from django.utils import timezone

    from notifications.models import Message
    from notifications.tasks import wake_dispatcher

    delays = []
    for message_id in ids:
        due = timezone.now()
        Message.objects.filter(id=message_id).update(send_at=due)
        wake_dispatcher()
        until = min(deadline, time.monotonic() + 10)
        while time.monotonic() < until:
            arrived = [r for r in fake.requests[-5:] if message_id_of(r) == message_id]
            if arrived:
                delays.append(arrived[0].at - due.timestamp())
                break
            time.sleep(0.002)
    return delays


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--singles", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=300)
    options = parser.parse_args()

    setup_django()
    import redis
    from django.utils import timezone

    from notifications.models import Message
    from notifications.tasks import wake_dispatcher
    from tests.fakes.twilio import FakeTwilio

    redis.Redis.from_url(REDIS_URL).flushdb()
    ids = make_wave(options.messages + options.singles)
    ids, singles = ids[: options.messages], ids[options.messages :]
    tmp = Path(tempfile.mkdtemp(prefix="bench-dispatch-"))
    with FakeTwilio() as fake:
        env = {
            **os.environ,
            **fake.env(),
            "CELERY_TASK_ALWAYS_EAGER": "False",
            "SITE_ROOT": "http://127.0.0.1:9",
        }
        worker = start(
            "worker",
            env,
            tmp / "worker.log",
            "--pool=prefork",
            f"--concurrency={options.concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            "bench-dispatch@%h",
        )
        beat = start("beat", env, tmp / "beat.log", "-s", str(tmp / "beat-schedule"))
        try:
            time.sleep(8)  # let the worker and beat start: their start-up is not dispatch
            due = timezone.now()
            Message.objects.filter(id__in=ids).update(send_at=due)
            wake_dispatcher()  # the tick; no page after the first waits for beat
            t_due = due.timestamp()
            deadline = time.monotonic() + options.timeout
            while len(fake.sent) < options.messages and time.monotonic() < deadline:
                time.sleep(0.5)
            while (
                Message.objects.filter(status="sent").count() < options.messages
                and time.monotonic() < deadline
            ):
                time.sleep(0.5)
            single_delays = send_singles(fake, singles, deadline)
        finally:
            stop(beat)
            stop(worker)
        requests = [r for r in fake.requests if message_id_of(r) in set(ids)]
        sent_rows = Message.objects.filter(status="sent", id__in=ids).count()
    send_at = {i: t_due for i in ids}
    delays = []
    for request in requests:
        delays.append(request.at - send_at[message_id_of(request)])
    if not delays:
        print("no message reached the fake Twilio; see", tmp)
        sys.exit(1)
    span = max(r.at for r in requests) - t_due
    rate = len(requests) / span
    print(f"messages: {options.messages}, provider calls: {len(requests)}, rows sent: {sent_rows}")
    print(f"worker: 1 (prefork, concurrency {options.concurrency}); one dispatcher tick")
    print(f"throughput: {rate:.0f} messages/s (first due → last provider call: {span:.1f} s)")
    print(
        f"send_at → provider call: p50 {statistics.median(delays):.2f} s, "
        f"p95 {percentile(delays, 95):.2f} s, max {max(delays):.2f} s"
    )
    duplicates = len(requests) - len({r.form.get("To") for r in requests})
    print(f"duplicates: {duplicates}")
    if single_delays:
        print(
            f"single messages, workers idle ({len(single_delays)}): send_at → provider call "
            f"p50 {statistics.median(single_delays) * 1000:.0f} ms, "
            f"p95 {percentile(single_delays, 95) * 1000:.0f} ms"
        )
    if sent_rows < options.messages or duplicates or len(single_delays) < len(singles):
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Webhook throughput: PostgreSQL outbox → Redis → one Celery worker → a loopback receiver.

A wave of N webhook events (deliveries to one subscription) all due at the same moment. One
dispatcher tick (notifications.deliver_webhooks, as a booking's commit or beat's minute gives
it) claims a page of 500, hands it to the worker in batches of 20 (notifications.send_webhooks)
and, the page being full, queues the next page behind them. Same worker layout as
bench_dispatch.py: one prefork worker, concurrency 4. Each delivery is signed and POSTed
through the checked (SSRF-safe) connections to tests/fakes/webhook_receiver.py.

Prints events/s (due → last event received), the delay per event (p50/p95) and duplicates.

Needs PostgreSQL (database bench_webhooks, created if missing) and Redis (DB 11) on 127.0.0.1.

    .venv/bin/python bench/bench_webhooks.py [--events 2000] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "bench_webhooks"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = "redis://127.0.0.1:6379/11"


def setup_django() -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "yurikago.settings",
            "SECRET_KEY": "bench-only",
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "LOG_LEVEL": "WARNING",
            # The receiver is on loopback, over http: allowed for this bench only.
            "CALENDAR_FETCH_ALLOW_LOOPBACK": "True",
        }
    )
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], capture_output=True, check=False
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def make_wave(count: int, url: str) -> list[str]:
    """`count` deliveries to one subscription, not yet due; returns their event ids."""
    from django.utils import timezone

    from api.tokens import api_token_create
    from notifications.webhook_models import WebhookDelivery, WebhookEvent
    from notifications.webhooks import webhook_subscription_create
    from tests.base import make_world

    w = make_world()
    token = api_token_create(municipality=w.katsushika, name="bench", scopes=["bookings:read"])[0]
    subscription = webhook_subscription_create(
        token=token, url=url, events=[WebhookEvent.BOOKING_CREATED]
    )
    far = timezone.now() + dt.timedelta(days=1)
    rows = [
        WebhookDelivery(
            subscription=subscription,
            event=WebhookEvent.BOOKING_CREATED,
            payload={"reference": f"BENCH{i:05d}", "status": "confirmed"},
            next_attempt_at=far,
            retry_until=far + dt.timedelta(days=1),
        )
        for i in range(count)
    ]
    WebhookDelivery.objects.bulk_create(rows, batch_size=1000)
    return [str(r.event_id) for r in rows]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=300)
    options = parser.parse_args()

    setup_django()
    import redis
    from django.utils import timezone

    from bench.bench_dispatch import start, stop
    from notifications.tasks import deliver_webhooks
    from notifications.webhook_models import WebhookDelivery
    from tests.fakes.webhook_receiver import FakeReceiver

    redis.Redis.from_url(REDIS_URL).flushdb()
    tmp = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    with FakeReceiver() as receiver:
        ids = make_wave(options.events, receiver.url)
        env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "False"}
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
            "bench-webhooks@%h",
        )
        try:
            time.sleep(8)  # let the worker start: its start-up is not delivery
            due = timezone.now()
            WebhookDelivery.objects.update(next_attempt_at=due)
            deliver_webhooks.apply_async()  # the tick
            deadline = time.monotonic() + options.timeout
            while len(receiver.delivered()) < options.events and time.monotonic() < deadline:
                time.sleep(0.2)
            while (
                WebhookDelivery.objects.filter(status="delivered").count() < options.events
                and time.monotonic() < deadline
            ):
                time.sleep(0.2)
        finally:
            stop(worker)
        got = receiver.delivered()
        delivered_rows = WebhookDelivery.objects.filter(status="delivered").count()
    if not got:
        print("no event reached the receiver; see", tmp)
        sys.exit(1)
    t_due = due.timestamp()
    delays = [r.at - t_due for r in got]
    span = max(r.at for r in got) - t_due
    counts = Counter(r.json()["id"] for r in got)
    duplicates = sum(n - 1 for n in counts.values())
    missing = len(set(ids) - set(counts))
    print(f"events: {options.events}, received: {len(got)}, rows delivered: {delivered_rows}")
    print(f"worker: 1 (prefork, concurrency {options.concurrency}); one dispatcher tick")
    print(f"throughput: {len(got) / span:.0f} events/s (due → last event received: {span:.1f} s)")
    print(
        f"due → received: p50 {statistics.median(delays):.2f} s, "
        f"p95 {percentile(delays, 95):.2f} s, max {max(delays):.2f} s"
    )
    print(f"duplicates: {duplicates}, missing: {missing}")
    if delivered_rows < options.events or duplicates or missing:
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Benchmark: what "notification imported" webhooks add to a 10,000-row notification import.

The import (scheduling.notification_import) queues one webhook delivery per notification and
subscription in its own transaction (notifications.webhooks.webhooks_queue_notifications): one
query per write round when nobody subscribed, else one read of the new notifications and bulk
INSERTs. This times the import's write step with 0, 1 and 3 subscriptions to the event, each run
in a transaction it rolls back (nothing left behind).

Usage: DATABASE_URL=postgres://… .venv/bin/python bench/bench_webhook_import_events.py
       [--rows 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yurikago.test_settings")
if not os.environ.get("DATABASE_URL"):
    (ROOT / "var").mkdir(exist_ok=True)
    os.environ["SQLITE_PATH"] = str(ROOT / "var" / "bench_webhook_import_events.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from api.tokens import api_token_create  # noqa: E402
from notifications.webhook_models import WebhookDelivery, WebhookSubscription  # noqa: E402
from scheduling.models import Municipality  # noqa: E402
from scheduling.notification_import import (  # noqa: E402
    decode_export,
    notifications_import,
    parse_export,
)
from tests.notifications_in.helpers import export, good_rows  # noqa: E402


class Rollback(Exception):
    pass


def one_run(rows: int, subscriptions: int) -> tuple[float, int]:
    seconds, queued = 0.0, 0
    try:
        with transaction.atomic():
            municipality = Municipality.objects.create(code="bench-hooks", name="ベンチ市")
            token = api_token_create(municipality=municipality, name="母子保健")[0]
            for n in range(subscriptions):
                WebhookSubscription.objects.create(
                    token=token,
                    municipality=municipality,
                    url=f"https://hooks{n}.example.org/yurikago",
                    events=",notification.imported,",
                )
            parsed, errors = parse_export(decode_export(export(good_rows(rows)).encode("cp932")))
            assert not errors, errors[:3]
            start = time.perf_counter()
            result = notifications_import(municipality=municipality, rows=parsed)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # deferred foreign keys: check them now
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            seconds = time.perf_counter() - start
            assert result.created == rows, result
            queued = WebhookDelivery.objects.filter(subscription__token=token).count()
            raise Rollback
    except Rollback:
        pass
    return seconds, queued


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(
        f"{connection.vendor}, {args.rows:,} rows, {args.runs} runs, "
        f"{timezone.now():%Y-%m-%d %H:%M} UTC"
    )
    for subscriptions in (0, 1, 3):
        runs = [one_run(args.rows, subscriptions) for _ in range(args.runs)]
        times = [seconds for seconds, _ in runs]
        print(
            f"{subscriptions} subscription(s): import write median "
            f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}), "
            f"{runs[0][1]:,} deliveries queued"
        )
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()

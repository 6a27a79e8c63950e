"""An invitation wave (issue 16): N notified pregnancies invited at once, then dispatched.

1. Queue: `invitations_round` over N pregnancies notified today (none booked), on PostgreSQL:
   each invitation recorded, given its link and its SMS queued in one transaction. Prints the
   round's time and invitations/s.
2. Dispatch: the same worker layout as bench/bench_dispatch.py (one dispatcher tick, batches
   of 20, Redis, one Celery worker, the real `twilio` client → the loopback fake Twilio). Prints
   messages/s (first due → last provider call), send_at → provider p50/p95, duplicates, to be
   read beside bench_dispatch.py's reminder wave (its figures in bench/README.md). An
   invitation's row costs one query more to check than a reminder's (is it still worth
   sending: not booked meanwhile, pregnancy ongoing).

Needs PostgreSQL (database h3_bench_invitations, created if missing) and Redis (DB 3).

    .venv/bin/python bench/bench_invitations.py [--invitations 2000] [--concurrency 4]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DB_NAME = "h3_bench_invitations"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = "redis://127.0.0.1:6379/3"


def setup_django() -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "yurikago.settings",
            "SECRET_KEY": "bench-only",
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "LOG_LEVEL": "WARNING",
            # Civil hours all day: the wave is sent now, whatever the clock says.
            "CIVIL_HOURS_START": "0",
            "CIVIL_HOURS_END": "24",
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


def notified_pregnancies(count: int) -> None:
    """`count` residents known from today's notification file, each with a mobile number."""
    from django.utils import timezone

    from scheduling.models import Pregnancy, PregnancyNotification, Resident, User
    from tests.base import make_world
    from tests.contacts.helpers import katsushika_contacts

    w = make_world()
    katsushika_contacts(w)
    today = timezone.localdate()
    users = User.objects.bulk_create(
        [User(phone=f"+81801{i:07d}", display_name=f"住民 {i}") for i in range(count)]
    )
    residents = Resident.objects.bulk_create(
        [
            Resident(user=u, municipality=w.katsushika, name=f"住民 {i}", phone=u.phone or "")
            for i, u in enumerate(users)
        ]
    )
    pregnancies = Pregnancy.objects.bulk_create(
        [
            Pregnancy(resident=r, due_date=today + dt.timedelta(days=220), notified_on=today)
            for r in residents
        ]
    )
    PregnancyNotification.objects.bulk_create(
        [
            PregnancyNotification(
                municipality=w.katsushika,
                record_key=f"B-{p.pk}",
                pregnancy=p,
                notified_on=today,
                source="file",
            )
            for p in pregnancies
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invitations", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=300)
    options = parser.parse_args()

    setup_django()
    import redis
    from bench_dispatch import message_id_of, percentile, start, stop
    from django.utils import timezone

    from notifications.models import Message
    from notifications.tasks import wake_dispatcher
    from scheduling.invitation_services import invitations_round
    from tests.fakes.twilio import FakeTwilio

    redis.Redis.from_url(REDIS_URL).flushdb()
    notified_pregnancies(options.invitations)

    started = time.perf_counter()
    result = invitations_round(now=timezone.now())
    queued_s = time.perf_counter() - started
    ids = list(Message.objects.filter(purpose="invitation").values_list("id", flat=True))
    # Not due until the worker is up: the dispatch is timed on its own.
    Message.objects.filter(id__in=ids).update(send_at=timezone.now() + dt.timedelta(days=1))
    print(
        f"queue: {result.total} invitations ({len(ids)} messages) in {queued_s:.1f} s, "
        f"{result.total / queued_s:.0f} invitations/s (PostgreSQL, one round)"
    )

    tmp = Path(tempfile.mkdtemp(prefix="bench-invitations-"))
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
            "bench-invitations@%h",
        )
        beat = start("beat", env, tmp / "beat.log", "-s", str(tmp / "beat-schedule"))
        try:
            time.sleep(8)  # the worker's and beat's start-up is not dispatch
            due = timezone.now()
            Message.objects.filter(id__in=ids).update(send_at=due)
            wake_dispatcher()
            deadline = time.monotonic() + options.timeout
            while (
                Message.objects.filter(id__in=ids, status="sent").count() < len(ids)
                and time.monotonic() < deadline
            ):
                time.sleep(0.5)
        finally:
            stop(beat)
            stop(worker)
        wanted = set(ids)
        requests = [r for r in fake.requests if message_id_of(r) in wanted]
        sent_rows = Message.objects.filter(status="sent", id__in=ids).count()
    if not requests:
        print("no invitation reached the fake Twilio; see", tmp)
        sys.exit(1)
    delays = [r.at - due.timestamp() for r in requests]
    span = max(r.at for r in requests) - due.timestamp()
    duplicates = len(requests) - len({r.form.get("To") for r in requests})
    print(f"dispatch: {len(ids)} messages, provider calls: {len(requests)}, rows sent: {sent_rows}")
    print(f"worker: 1 (prefork, concurrency {options.concurrency}); one dispatcher tick")
    print(
        f"throughput: {len(requests) / span:.0f} messages/s (first due → last call: {span:.1f} s)"
    )
    print(
        f"send_at → provider call: p50 {statistics.median(delays):.2f} s, "
        f"p95 {percentile(delays, 95):.2f} s, max {max(delays):.2f} s"
    )
    print(f"duplicates: {duplicates}")
    if sent_rows < len(ids) or duplicates:
        sys.exit(1)


if __name__ == "__main__":
    main()

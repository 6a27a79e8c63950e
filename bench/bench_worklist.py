"""Benchmark: the nurses' follow-up list (フォロー一覧, issue 16) over 10,000 notified pregnancies
(target < 200 ms, in a fixed number of queries).

Migrates the database in DATABASE_URL (or the SQLite file var/bench_worklist.sqlite3) and builds
everything inside a transaction it rolls back, so it wipes nothing. A municipality with two
sites and a nurse; 10,000 pregnancy notifications from 1 to 120 days ago in 20 districts
(through the import); 30 % of them attended an interview, 5 % missed one (no later booking);
each was invited to book with one SMS, 5 % of which failed for good (issue 16's invitations).
Then times scheduling.worklist.follow_up_list (200 rows per section and the counts): all
districts, and one district; prints median and p95 over --runs and the queries of one call.

Usage: .venv/bin/python bench/bench_worklist.py [--runs 30]
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/DBNAME .venv/bin/python bench/…
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yurikago.test_settings")
if not os.environ.get("DATABASE_URL"):
    (ROOT / "var").mkdir(exist_ok=True)
    os.environ["SQLITE_PATH"] = str(ROOT / "var" / "bench_worklist.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from scheduling.models import (  # noqa: E402
    Booking,
    InterviewType,
    Municipality,
    Nurse,
    Pregnancy,
    Site,
    User,
)
from scheduling.notification_import import notifications_import_file  # noqa: E402
from scheduling.worklist import follow_up_list  # noqa: E402
from tests.notifications_in.helpers import export, good_rows  # noqa: E402

TZ = ZoneInfo("Asia/Tokyo")
PREGNANCIES = 10_000


class Rollback(Exception):
    pass


def build() -> tuple[Municipality, frozenset[int]]:
    today = timezone.localdate()
    municipality = Municipality.objects.create(code="bench-worklist", name="ベンチ区")
    sites = [
        Site.objects.create(municipality=municipality, code=f"s{n}", name=f"会場{n}", address="-")
        for n in range(2)
    ]
    itype = InterviewType.objects.create(municipality=municipality, code="t", name="面接")
    user = User.objects.create_user(email="bench-nurse@example.jp")
    nurse = Nurse.objects.create(user=user, municipality=municipality, name="看護")
    nurse.sites.set(sites)
    rows = good_rows(PREGNANCIES)
    for n, row in enumerate(rows):
        notified = today - dt.timedelta(days=1 + n % 120)
        row["届出日"] = notified.isoformat()
        row["出産予定日"] = (notified + dt.timedelta(days=220)).isoformat()
        row["地区"] = f"地区{n % 20:02d}"
    result = notifications_import_file(municipality=municipality, data=export(rows).encode())
    assert not result.refused and result.created == PREGNANCIES, result.errors[:3]
    pregnancies = list(
        Pregnancy.objects.filter(notification__municipality=municipality).order_by("pk")
    )
    bookings = []
    for n, pregnancy in enumerate(pregnancies):
        if n % 20 == 0:
            status = Booking.Status.NO_SHOW
        elif n % 10 < 3:
            status = Booking.Status.ATTENDED
        else:
            continue
        start = timezone.now() - dt.timedelta(days=1 + n % 60, minutes=n)
        bookings.append(
            Booking(
                municipality=municipality,
                pregnancy=pregnancy,
                site=sites[n % 2],
                nurse=nurse,
                interview_type=itype,
                start=start,
                end=start + dt.timedelta(minutes=30),
                blocked_until=start + dt.timedelta(minutes=30),
                status=status,
            )
        )
    Booking.objects.bulk_create(bookings, batch_size=2000)
    _invitations(municipality, itype, pregnancies)
    if connection.vendor == "postgresql":
        # Statistics, as autovacuum would have them on a live database (the rows are new here).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return municipality, frozenset(s.pk for s in sites)


def _invitations(
    municipality: Municipality, itype: InterviewType, pregnancies: list[Pregnancy]
) -> None:
    """Issue 16: every pregnancy was invited to book, with one SMS each; 5 % of those SMS
    failed for good (the follow-up list's fourth section)."""
    from notifications.models import Message
    from scheduling.models import Contact, Invitation

    contact = Contact.objects.create(
        municipality=municipality,
        code="first",
        name="面接",
        kind="site_interview",
        interview_type=itype,
    )
    now = timezone.now()
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(pregnancy=p, contact=contact, kind="book", created_at=now)
            for p in pregnancies
        ],
        batch_size=2000,
    )
    Message.objects.bulk_create(
        [
            Message(
                municipality=municipality,
                purpose="invitation",
                channel="sms",
                recipient="+819000000000",
                occurrence=f"inv-{invitation.pk}",
                status="failed" if n % 20 == 7 else "sent",
            )
            for n, invitation in enumerate(invitations)
        ],
        batch_size=2000,
    )


def timed(runs: int, call) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    """Wall-clock and this process's CPU time per call, in ms."""
    call()  # warm-up
    times, cpu = [], []
    for _ in range(runs):
        start, cpu_start = time.perf_counter(), time.process_time()
        call()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)
    return times, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"{connection.vendor}, {PREGNANCIES:,} pregnancies, {timezone.now():%Y-%m-%d %H:%M} UTC")
    try:
        with transaction.atomic():
            municipality, site_ids = build()
            today = timezone.localdate()

            def everything() -> object:
                return follow_up_list(
                    municipality_ids=frozenset({municipality.pk}),
                    site_ids=site_ids,
                    today=today,
                    tz=TZ,
                )

            def one_district() -> object:
                return follow_up_list(
                    municipality_ids=frozenset({municipality.pk}),
                    site_ids=site_ids,
                    today=today,
                    tz=TZ,
                    district="地区07",
                )

            with CaptureQueriesContext(connection) as queries:
                worklist = everything()
            for query in queries.captured_queries:
                print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:90]}")
            print(
                f"not booked {worklist.not_booked_count} (200 shown), "  # type: ignore[attr-defined]
                f"missed {worklist.missed_count}, "  # type: ignore[attr-defined]
                f"undeliverable {worklist.undeliverable_count}, "  # type: ignore[attr-defined]
                f"queries {len(queries.captured_queries)}"
            )
            for name, call in (("all districts", everything), ("one district", one_district)):
                times, cpu = timed(args.runs, call)
                times.sort()
                p95 = times[int(len(times) * 0.95) - 1]
                print(
                    f"{name:>14}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
                    f"our CPU median {statistics.median(cpu):.1f} ms"
                )
            raise Rollback
    except Rollback:
        pass
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()

"""Benchmark: the manager dashboard over a year of data for 12 sites.

Builds a fresh database (SQLite file under var/, or DATABASE_URL for PostgreSQL), then:
- Katsushika-sized: 12 sites, 24 nurses, one year with ~3,000 interviews;
- large city: the same 12 sites with ~30,000 interviews in the year.
For each it times scheduling.reports.utilisation_report (a year, 12 sites; with and without
"next free slot"), and the full dashboard page (this year compared with the previous one),
and counts the queries. Prints the figures; records nothing by itself.

Usage: .venv/bin/python bench/bench_dashboard.py [--runs 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yurikago.test_settings")
if not os.environ.get("DATABASE_URL"):
    (ROOT / "var").mkdir(exist_ok=True)
    db_file = ROOT / "var" / "bench_dashboard.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    os.environ["SQLITE_PATH"] = str(db_file)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from scheduling.models import (  # noqa: E402
    AvailabilityRule,
    Booking,
    BookingEvent,
    InterviewType,
    Municipality,
    Nurse,
    Pregnancy,
    Resident,
    Site,
    StaffRole,
    User,
)
from tests.staff.helpers import sign_in_with_mfa  # noqa: E402

TZ = dt.timezone(dt.timedelta(hours=9))
YEAR_FIRST, YEAR_LAST = dt.date(2025, 12, 1), dt.date(2026, 11, 30)
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
STATUSES = (
    [Booking.Status.ATTENDED] * 82 + [Booking.Status.NO_SHOW] * 6 + [Booking.Status.CANCELLED] * 12
)
CHANNELS = [Booking.Channel.ONLINE] * 6 + [Booking.Channel.STAFF] * 4


def build(code: str, interviews: int, rng: random.Random) -> tuple[list[int], User]:
    muni = Municipality.objects.create(code=code, name=code, branding_name="ゆりかご面接")
    itype = InterviewType.objects.create(
        municipality=muni,
        code="yurikago",
        name="ゆりかご面接",
        modes=["in_person"],
        reminder_hours_before=[24],
    )
    sites = [
        Site.objects.create(
            municipality=muni,
            code=f"s{i}",
            name=f"会場{i}",
            address="-",
            rooms=2,
            open_weekdays=[0, 1, 2, 3, 4],
            modes=["in_person"],
        )
        for i in range(12)
    ]
    nurses = []
    for i, site in enumerate(sites):
        for j in range(2):
            user = User.objects.create_user(email=f"n{i}-{j}@{code}.example")
            nurse = Nurse.objects.create(user=user, municipality=muni, name=f"n{i}-{j}")
            nurse.sites.set([site])
            nurses.append((nurse, site))
    AvailabilityRule.objects.bulk_create(
        [
            AvailabilityRule(
                nurse=n,
                site=s,
                weekday=d,
                start_time=dt.time(h1),
                end_time=dt.time(h2),
                valid_from=dt.date(2025, 1, 1),
            )
            for n, s in nurses
            for d in range(5)
            for h1, h2 in ((9, 12), (13, 16))
        ]
    )
    residents = []
    for i in range(200):
        user = User.objects.create_user(email=f"r{i}@{code}.example")
        residents.append(Resident.objects.create(user=user, municipality=muni, name=f"r{i}"))
    days = [YEAR_FIRST + dt.timedelta(days=i) for i in range((YEAR_LAST - YEAR_FIRST).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    bookings, pregnancies = [], []
    for _ in range(interviews):
        day = rng.choice(days)
        start = dt.datetime.combine(day, dt.time(9), tzinfo=TZ) + dt.timedelta(
            minutes=30 * rng.randrange(12)
        )
        nurse, site = rng.choice(nurses)
        pregnancies.append(
            Pregnancy(
                resident=rng.choice(residents),
                due_date=day + dt.timedelta(days=rng.randint(100, 230)),
            )
        )
        bookings.append(
            Booking(
                municipality=muni,
                site=site,
                nurse=nurse,
                interview_type=itype,
                start=start,
                end=start + dt.timedelta(minutes=30),
                blocked_until=start + dt.timedelta(minutes=30),
                status=rng.choice(STATUSES),
                channel=rng.choice(CHANNELS),
                room=1,
                confirmed_at=start - dt.timedelta(days=rng.randint(1, 40)),
            )
        )
    Pregnancy.objects.bulk_create(pregnancies, batch_size=2000)
    for booking, pregnancy in zip(bookings, pregnancies, strict=True):
        booking.pregnancy = pregnancy
    Booking.objects.bulk_create(bookings, batch_size=2000)
    BookingEvent.objects.bulk_create(
        [
            BookingEvent(
                booking=b, kind=BookingEvent.Kind.CANCELLED, data={"late": rng.random() < 0.3}
            )
            for b in bookings
            if b.status == Booking.Status.CANCELLED
        ],
        batch_size=2000,
    )
    admin = User.objects.create_user(email=f"admin@{code}.example")
    StaffRole.objects.create(user=admin, municipality=muni, role=StaffRole.Role.MUNICIPALITY_ADMIN)
    return [s.id for s in sites], admin


def timed(fn, runs: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    fn()  # warm caches
    times = []
    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = len(ctx.captured_queries)
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    import time_machine

    from scheduling.reports import utilisation_report

    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    print(f"database: {connection.vendor}; median of {args.runs} runs")
    with time_machine.travel(NOW, tick=True):
        for code, n in (("ward", 3_000), ("city", 30_000)):
            t0 = time.perf_counter()
            site_ids, admin = build(code, n, rng)
            if connection.vendor == "postgresql":
                # As autovacuum would soon after: without statistics the planner guesses one row
                # per table, and the plans (and whether JIT kicks in) are not production's.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            print(
                f"\n== {code}: 12 sites, {n:,} interviews in a year "
                f"(built in {time.perf_counter() - t0:.1f} s)"
            )

            def report(next_free: bool, ids: list[int] = site_ids) -> object:
                return utilisation_report(
                    site_ids=ids,
                    date_from=YEAR_FIRST,
                    date_to=YEAR_LAST,
                    include_next_free=next_free,
                )

            ms, q = timed(lambda: report(False), args.runs)
            print(f"utilisation_report, 1 year × 12 sites:              {ms:7.1f} ms, {q} queries")
            ms, q = timed(lambda: report(True), args.runs)
            print(f"  … with next free slot per site:                    {ms:7.1f} ms, {q} queries")
            client = Client(HTTP_HOST="127.0.0.1")
            sign_in_with_mfa(client, admin)

            def page(c: Client = client) -> None:
                response = c.get("/staff/dashboard/", {"period": "year", "date": "2026-06-01"})
                assert response.status_code == 200, response.status_code

            ms, q = timed(page, args.runs)
            print(f"dashboard page, year vs previous year (rendered):   {ms:7.1f} ms, {q} queries")


if __name__ == "__main__":
    main()

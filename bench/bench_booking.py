"""Benchmark: scheduling.services.booking_create on SQLite and on PostgreSQL.

On the dataset of bench_availability.py (12 sites, 24 nurses, 2,000 bookings in the next 30
days), books --runs interviews one after another at free places spread over the month, each for
a new pregnancy whose resident has a phone and an email (so each booking also writes its
confirmation and reminder rows to the outbox), and times each call: wall-clock median and p95,
CPU median, and the queries of one booking. Also times a refusal (the place was just taken:
the loser's path, which looks up alternatives).

SQLite always (var/bench_core.sqlite3); PostgreSQL too when DATABASE_URL is set (a throwaway
database whose name starts with bench_, e.g. postgres://postgres@127.0.0.1:5432/bench_core).
Each backend runs in its own process, since Django's settings pick one database at start-up.

Usage: .venv/bin/python bench/bench_booking.py [--runs 100]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import time
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument(
        "--backend",
        choices=["sqlite", "postgresql"],
        help="run one backend in this process (used by the parent run)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also print each query of one booking with its time, and a cProfile of the runs",
    )
    args = parser.parse_args()
    if args.backend:
        run(args.runs, profile=args.profile)
        return
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    backends = [("sqlite", env)]
    if os.environ.get("DATABASE_URL"):
        backends.append(("postgresql", dict(os.environ)))
    else:
        print("DATABASE_URL is not set: SQLite only")
    for backend, backend_env in backends:
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--backend",
                backend,
                "--runs",
                str(args.runs),
                *(["--profile"] if args.profile else []),
            ],
            env=backend_env,
            check=True,
        )


def run(runs: int, *, profile: bool = False) -> None:
    # In production the booking only nudges the dispatcher through the broker; sending runs in
    # a worker. Without this, the embedded default would send inside the timed call.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "False"
    # ... through Redis, as in production (BENCH_BROKER_URL; default Redis DB 4, flushed at the
    # end): the nudge is part of a booking's time. "memory://" measures without a broker.
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/4")
    os.environ["CELERY_BROKER_URL"] = broker
    sys.path.insert(0, os.path.dirname(__file__))
    import datetime as dt
    import random
    import statistics

    import bench_availability as dataset
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from scheduling.availability import open_slots
    from scheduling.models import Pregnancy, Resident, Site, User
    from scheduling.services import booking_create
    from yurikago.errors import DomainError

    dataset.fresh_database()
    rng = random.Random(11)
    muni, itype, _ = dataset.build(rng)
    now = dataset.NOW
    slots = open_slots(
        municipality=muni,
        interview_type=itype,
        date_from=dataset.TODAY,
        date_to=dataset.TODAY + dt.timedelta(days=dataset.DAYS_AHEAD),
        now=now,
    )
    # One booking per (site, start), so every attempt finds its place free.
    chosen = rng.sample(slots, runs + 1)
    sites = {s.pk: s for s in Site.objects.select_related("municipality")}
    pregnancies = []
    for i in range(runs + 1):
        phone = f"+8190{20000000 + i:08d}"
        user = User.objects.create(email=f"bench{i}@example.jp", phone=phone)
        resident = Resident.objects.create(
            user=user,
            municipality=muni,
            name=f"bench {i}",
            phone=phone,
            email=f"bench{i}@example.jp",
        )
        pregnancies.append(Pregnancy.objects.create(resident=resident))

    def create(slot, pregnancy):  # type: ignore[no-untyped-def]
        return booking_create(
            site=sites[slot.site_id],
            interview_type=itype,
            start=slot.start,
            pregnancy=pregnancy,
            notify_email=True,
            now=now,
        )

    with CaptureQueriesContext(connection) as queries:
        create(chosen[0], pregnancies[0])
    wall, cpu = [], []
    profiler = cProfile.Profile() if profile else None
    warm = _QueryTimer()  # one booking in the middle, warm caches
    for i, (slot, pregnancy) in enumerate(zip(chosen[1:], pregnancies[1:], strict=False)):
        if profiler:
            profiler.enable()
        if profile and i == runs // 2:
            warm.start(connection)
        w0, c0 = time.perf_counter(), time.process_time()
        create(slot, pregnancy)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
        if profile and i == runs // 2:
            warm.stop()
        if profiler:
            profiler.disable()
    if profile:
        _print_profile(profiler, warm.queries, runs)

    # The loser of a race: her place has just gone, so she is refused with alternatives.
    taken = chosen[0]
    resident = pregnancies[0].resident
    while True:  # fill the rest of that place's capacity
        try:
            create(taken, Pregnancy.objects.create(resident=resident))
        except DomainError:
            break
    refused_wall, refused_queries = [], 0
    for _ in range(min(runs, 20)):
        pregnancy = Pregnancy.objects.create(resident=resident)
        with CaptureQueriesContext(connection) as refused:
            w0 = time.perf_counter()
            try:
                create(taken, pregnancy)
            except DomainError as exc:
                assert exc.code == "slot_unavailable", exc.code
            else:
                raise SystemExit("a full place was booked")
            refused_wall.append((time.perf_counter() - w0) * 1000)
        refused_queries = len(refused)

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)

    print(
        f"\n== booking_create on {connection.vendor}: {len(wall)} bookings, one at a time, "
        f"load average (1 min) {os.getloadavg()[0]:.1f}"
    )
    print(
        f"  booked:  median {statistics.median(wall):6.1f} ms, p95 {p95(wall):6.1f} ms, "
        f"CPU median {statistics.median(cpu):6.1f} ms, {len(queries)} queries"
    )
    print(
        f"  refused: median {statistics.median(refused_wall):6.1f} ms, "
        f"p95 {p95(refused_wall):6.1f} ms, {refused_queries} queries "
        "(slot_unavailable with alternatives)"
    )
    print(f"  broker: {broker} (the nudge after each commit)")
    if broker.startswith("redis://"):
        import redis

        redis.Redis.from_url(broker).flushdb()  # the nudges nobody consumed


class _QueryTimer:
    """Each statement's round trip in microseconds (Django's own log rounds to milliseconds)."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str]] = []
        self._cm: Any = None

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - t0) * 1000, sql))

    def start(self, connection: Any) -> None:
        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()

    def stop(self) -> None:
        self._cm.__exit__(None, None, None)


def _print_profile(
    profiler: cProfile.Profile | None, captured: list[tuple[float, str]], runs: int
) -> None:
    """Where one booking's time goes: its queries with their round-trip times (a booking in the
    middle of the runs, captured by Django), then the heaviest functions of the runs."""
    total = sum(ms for ms, _ in captured)
    print(f"\n-- the statements of one booking: {len(captured)}, {total:.2f} ms in all")
    for ms, sql in captured:
        print(f"  {ms:6.2f} ms  {' '.join(sql.split())[:110]}")
    if profiler is None:
        return
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    if os.environ.get("BENCH_PROFILE_FILE"):
        stats.dump_stats(os.environ["BENCH_PROFILE_FILE"])
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(25)
    print(f"\n-- cProfile of {runs} bookings, by cumulative then own time")
    print(out.getvalue())


if __name__ == "__main__":
    main()

"""Benchmark: the availability engine on a Katsushika-sized dataset.

Builds a throwaway database (SQLite file var/bench_core.sqlite3 or BENCH_SQLITE_PATH, or the
PostgreSQL database in DATABASE_URL, whose name must start with "bench_" or end with "_bench"):
Katsushika's 12 sites as in the demo (their real opening days, rooms, year-end and nth-Sunday
closures), 24 nurses (two per site, with weekly rules, a weekly half day off and some imported
busy blocks), and 2,000 confirmed bookings spread over the next 30 days. Then times
scheduling.availability.open_slots in-process:

- one site over 31 days (the month view a resident opens), target under 15 ms on SQLite;
- all 12 sites for one day;
- one site for one day and all sites for 31 days, to show the query count does not move.

Prints wall-clock median and p95 and the CPU-time median over --runs runs (after a warm-up),
and the queries of one call.

With --compare OLD_ENGINE.py (an earlier scheduling/availability/engine.py, e.g. from
`git show <commit>:scheduling/availability/engine.py > /tmp/engine_before.py`), or --compare DIR
(a copy of an earlier scheduling/availability, e.g. `mkdir /tmp/before && git archive <commit>
scheduling/availability | tar -x -C /tmp/before` then DIR=/tmp/before/scheduling/availability,
when reads.py or spans.py changed too), times that engine and the current one interleaved, call
by call, in the same process on the same data: on a machine shared with other work both then see
the same load, so their ratio is a fair before/after.

With --cache, also times `open_slots_cached` (the API's and the resident pages' path) on Redis
(BENCH_CACHE_URL, default redis://127.0.0.1:6379/8, flushed): cold (the generation bumped
before each call, as a booking's commit does, so each call computes and stores) and warm.

Usage: .venv/bin/python bench/bench_availability.py [--runs 50] [--profile] [--compare FILE]
       [--cache]
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_core .venv/bin/python bench/…
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yurikago.test_settings")
if os.environ.get("DATABASE_URL"):
    name = urlparse(os.environ["DATABASE_URL"]).path.lstrip("/")
    if not (name.startswith("bench_") or name.endswith("_bench")):
        sys.exit("DATABASE_URL must name a throwaway database, bench_… or …_bench: it is wiped")
else:
    (ROOT / "var").mkdir(exist_ok=True)
    # BENCH_SQLITE_PATH: a file of one's own, when another bench may be using the default one.
    db_file = Path(os.environ.get("BENCH_SQLITE_PATH", ROOT / "var" / "bench_core.sqlite3"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    os.environ["SQLITE_PATH"] = str(db_file)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from scheduling.availability import open_slots  # noqa: E402
from scheduling.demo import KATSUSHIKA_SITES  # noqa: E402
from scheduling.models import (  # noqa: E402
    AvailabilityRule,
    Booking,
    BusyBlock,
    InterviewType,
    Municipality,
    Nurse,
    Pregnancy,
    Resident,
    Site,
    TimeOff,
    User,
)

TZ = dt.timezone(dt.timedelta(hours=9))
# A Monday with two public holidays ahead (11/3, 11/23): an ordinary month.
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=TZ)
TODAY = NOW.date()
DAYS_AHEAD = 30
BOOKINGS = 2_000
WEEKDAYS = [0, 1, 2, 3, 4]


def fresh_database() -> None:
    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)


def _rules(
    nurse: Nurse, site: Site, days: list[int], ranges: list[tuple[int, int, int, int]]
) -> list[AvailabilityRule]:
    return [
        AvailabilityRule(
            nurse=nurse,
            site=site,
            weekday=day,
            start_time=dt.time(h1, m1),
            end_time=dt.time(h2, m2),
            valid_from=TODAY - dt.timedelta(days=90),
        )
        for day in days
        for h1, m1, h2, m2 in ranges
    ]


def build(rng: random.Random) -> tuple[Municipality, InterviewType, list[Site]]:
    muni = Municipality.objects.create(
        code="katsushika", name="葛飾区", branding_name="ゆりかご面接"
    )
    itype = InterviewType.objects.create(
        municipality=muni,
        code="yurikago",
        name="ゆりかご面接",
        duration_minutes=30,
        slot_step_minutes=30,
        modes=["in_person"],
        min_notice_hours=24,
        max_days_ahead=60,
        reminder_hours_before=[72, 24],
    )
    sites, rules, nurses = [], [], []
    for i, (
        code,
        name,
        _en,
        address,
        rooms,
        days,
        holidays,
        nth,
        year_end,
        last,
        notice,
    ) in enumerate(KATSUSHIKA_SITES):
        site = Site.objects.create(
            municipality=muni,
            code=code,
            name=name,
            address=address,
            rooms=rooms,
            open_weekdays=days,
            closed_on_public_holidays=holidays,
            closed_nth_weekdays=nth,
            year_end_start=year_end[0],
            year_end_end=year_end[1],
            last_start_time=last,
            min_notice_days=notice,
            modes=["in_person"],
            ordering_key=i,
        )
        sites.append(site)
        for j in range(2):
            user = User.objects.create(email=f"nurse{i}-{j}@bench.example")
            nurse = Nurse.objects.create(user=user, municipality=muni, name=f"{code} {j}")
            nurse.sites.set([site])
            nurses.append(nurse)
            if code == "eki-niccowa":
                rules += _rules(nurse, site, WEEKDAYS, [(17, 0, 19, 30)])
            elif days == WEEKDAYS or code == "niccowa":
                rules += _rules(nurse, site, days, [(9, 0, 12, 0), (13, 0, 16, 30)])
            else:  # children's halls: the two nurses share the week
                rules += _rules(
                    nurse,
                    site,
                    [0, 2, 4, 6] if j == 0 else [1, 3, 5],
                    [(10, 0, 12, 0), (13, 0, 16, 0)],
                )
    AvailabilityRule.objects.bulk_create(rules)
    _absences(nurses, rng)
    _bookings(muni, itype, sites, rng)
    return muni, itype, sites


def _absences(nurses: list[Nurse], rng: random.Random) -> None:
    time_off, busy = [], []
    for nurse in nurses:
        # A weekly afternoon off, and a handful of meetings imported from her own calendar.
        first = dt.datetime.combine(
            TODAY + dt.timedelta(days=rng.randint(1, 7)), dt.time(13), tzinfo=TZ
        )
        time_off.append(
            TimeOff(
                nurse=nurse,
                start=first,
                end=first + dt.timedelta(hours=3),
                weekly_until=TODAY + dt.timedelta(days=DAYS_AHEAD + 30),
            )
        )
        for _ in range(6):
            start = dt.datetime.combine(
                TODAY + dt.timedelta(days=rng.randint(1, DAYS_AHEAD)),
                dt.time(rng.randint(9, 15), rng.choice([0, 30])),
                tzinfo=TZ,
            )
            busy.append(
                BusyBlock(
                    nurse=nurse,
                    start=start,
                    end=start + dt.timedelta(minutes=rng.choice([30, 60, 90])),
                )
            )
    TimeOff.objects.bulk_create(time_off)
    BusyBlock.objects.bulk_create(busy)


def _bookings(
    muni: Municipality, itype: InterviewType, sites: list[Site], rng: random.Random
) -> None:
    """2,000 confirmed interviews on free places of the next 30 days, never overlapping."""
    slots = open_slots(
        municipality=muni,
        interview_type=itype,
        date_from=TODAY,
        date_to=TODAY + dt.timedelta(days=DAYS_AHEAD),
        now=NOW,
    )
    places = [(slot, k) for slot in slots for k in range(slot.capacity)]
    if len(places) < BOOKINGS:
        sys.exit(f"only {len(places)} free places for {BOOKINGS} bookings")
    chosen = rng.sample(places, BOOKINGS)
    users = User.objects.bulk_create(
        [User(email=f"resident{i}@bench.example") for i in range(BOOKINGS)]
    )
    residents = Resident.objects.bulk_create(
        [Resident(user=u, municipality=muni, name=f"resident {i}") for i, u in enumerate(users)]
    )
    pregnancies = Pregnancy.objects.bulk_create(
        [Pregnancy(resident=r, due_date=TODAY + dt.timedelta(days=200)) for r in residents]
    )
    Booking.objects.bulk_create(
        [
            Booking(
                municipality=muni,
                pregnancy=pregnancy,
                site_id=slot.site_id,
                nurse_id=slot.nurse_ids[k],
                interview_type=itype,
                room=slot.free_rooms[k],
                start=slot.start,
                end=slot.end,
                blocked_until=slot.end,
                status=Booking.Status.CONFIRMED,
                confirmed_at=NOW,
            )
            for (slot, k), pregnancy in zip(chosen, pregnancies, strict=True)
        ],
        batch_size=500,
    )


@dataclass
class Figures:
    median_ms: float
    p95_ms: float
    # CPU time of this process: on a machine shared with other work, wall-clock time also
    # counts the waits for a core; CPU time is closer to what a quiet machine would show.
    cpu_median_ms: float
    # The best run's CPU time: the least disturbed by other work on a shared machine.
    cpu_best_ms: float
    queries: int
    size: int


def measure(fn: Callable[[], object], runs: int) -> Figures:
    """Figures of `fn` over `runs` runs after a warm-up, and the queries of one call."""
    for _ in range(3):
        fn()
    with CaptureQueriesContext(connection) as queries:
        size = len(fn())  # type: ignore[arg-type]
    wall, cpu = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    p95 = statistics.quantiles(wall, n=20)[18] if runs >= 20 else max(wall)
    return Figures(
        statistics.median(wall), p95, statistics.median(cpu), min(cpu), len(queries), size
    )


def cases(
    muni: Municipality,
    itype: InterviewType,
    sites: list[Site],
    engine: Callable[..., list] = open_slots,
) -> list[tuple[str, Callable[[], object]]]:
    first = TODAY + dt.timedelta(days=1)
    month = first + dt.timedelta(days=30)
    # A Thursday, when every site is open.
    one_day = TODAY + dt.timedelta(days=(3 - TODAY.weekday()) % 7 + 7)

    def slots(
        site_ids: list[int] | None, date_to: dt.date, date_from: dt.date = first
    ) -> Callable[[], object]:
        return lambda: engine(
            municipality=muni,
            interview_type=itype,
            date_from=date_from,
            date_to=date_to,
            site_ids=site_ids,
            now=NOW,
        )

    aoto = [sites[0].pk]
    return [
        ("one site × 31 days", slots(aoto, month)),
        ("all 12 sites × 1 day", slots(None, one_day, one_day)),
        ("one site × 1 day", slots(aoto, one_day, one_day)),
        ("all 12 sites × 31 days", slots(None, month)),
    ]


def load_engine(path: str) -> Callable[..., list]:
    """`open_slots` of another engine: an engine.py imported as a module of today's package (its
    relative imports resolve to today's reads, models and calendar rules), or a directory holding
    a whole copy of scheduling/availability, imported as a package of its own beside it (so an
    older reads.py and spans.py come with it)."""
    import importlib.util

    if os.path.isdir(path):
        name = "scheduling._availability_compared"
        spec = importlib.util.spec_from_file_location(
            name, os.path.join(path, "__init__.py"), submodule_search_locations=[path]
        )
    else:
        name = "scheduling.availability._compared"
        spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.open_slots


def compare(
    path: str, muni: Municipality, itype: InterviewType, sites: list[Site], runs: int
) -> None:
    """Each case's calls alternate between the engine at `path` and the current one."""
    engines = {"before": load_engine(path), "after": open_slots}
    print(f"interleaved: {path} (before) and the current engine (after), CPU ms of {runs} runs")
    print(
        f"{'open_slots':<26}{'before med':>11}{'best':>7}{'after med':>10}{'best':>7}{'ratio':>7}"
    )
    for i, (label, _fn) in enumerate(cases(muni, itype, sites)):
        calls = {name: cases(muni, itype, sites, impl)[i][1] for name, impl in engines.items()}
        if len(calls["before"]()) != len(calls["after"]()):  # type: ignore[arg-type]
            print(f"  {label}: the two engines disagree on the number of slots")
        cpu: dict[str, list[float]] = {name: [] for name in calls}
        wall: dict[str, list[float]] = {name: [] for name in calls}
        for _ in range(3):
            for fn in calls.values():
                fn()
        for _ in range(runs):
            for name, fn in calls.items():
                w0, c0 = time.perf_counter(), time.process_time()
                fn()
                cpu[name].append((time.process_time() - c0) * 1000)
                wall[name].append((time.perf_counter() - w0) * 1000)
        b, a = cpu["before"], cpu["after"]
        wb, wa = statistics.median(wall["before"]), statistics.median(wall["after"])
        print(
            f"{label:<26}{statistics.median(b):>11.2f}{min(b):>7.2f}{statistics.median(a):>10.2f}"
            f"{min(a):>7.2f}{statistics.median(a) / statistics.median(b):>7.2f}"
            f"   wall median {wb:.2f} -> {wa:.2f} ms (x{wa / wb:.2f})"
        )


def cache_figures(muni: Municipality, itype: InterviewType, sites: list[Site], runs: int) -> None:
    from django.core.cache import cache
    from django.test import override_settings

    from scheduling.availability import cache as availability_cache

    url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/8")
    redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    first = TODAY + dt.timedelta(days=1)
    query = {
        "municipality": muni,
        "interview_type": itype,
        "date_from": first,
        "date_to": first + dt.timedelta(days=30),
        "site_ids": [sites[0].pk],
        "now": NOW,
    }
    with override_settings(AVAILABILITY_CACHE_SECONDS=60, CACHES=redis):
        cache.clear()
        print(f"open_slots_cached, one site × 31 days, Redis {url}, {runs} runs")
        print(f"{'':<26}{'median ms':>10}{'best ms':>9}{'CPU ms':>8}{'queries':>9}")
        for label, bump in (("cold (after a write)", True), ("warm", False)):
            wall, cpu, queries = [], [], 0
            for _ in range(runs + 3):
                if bump:
                    availability_cache._bump_generation()
                with CaptureQueriesContext(connection) as captured:
                    w0, c0 = time.perf_counter(), time.process_time()
                    availability_cache.open_slots_cached(**query)
                    cpu.append((time.process_time() - c0) * 1000)
                    wall.append((time.perf_counter() - w0) * 1000)
                queries = len(captured)
            wall, cpu = wall[3:], cpu[3:]
            print(
                f"{label:<26}{statistics.median(wall):>10.2f}{min(wall):>9.2f}"
                f"{statistics.median(cpu):>8.2f}{queries:>9}"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--profile", action="store_true", help="also print a cProfile of one site × 31 days"
    )
    parser.add_argument("--compare", metavar="FILE", help="an older engine.py to interleave with")
    parser.add_argument("--cache", action="store_true", help="also time open_slots_cached")
    args = parser.parse_args()
    fresh_database()
    t0 = time.perf_counter()
    muni, itype, sites = build(random.Random(7))
    print(
        f"database: {connection.vendor}; 12 sites, 24 nurses, {BOOKINGS:,} bookings in the "
        f"next {DAYS_AHEAD} days (built in {time.perf_counter() - t0:.1f} s); "
        f"median and p95 of {args.runs} runs"
    )
    print(f"load average (1 min) before measuring: {os.getloadavg()[0]:.1f}")
    if args.compare:
        compare(args.compare, muni, itype, sites, args.runs)
        return
    print(
        f"{'open_slots':<26}{'median ms':>10}{'p95 ms':>9}{'CPU ms':>8}{'best CPU':>9}"
        f"{'queries':>9}{'slots':>7}"
    )
    for label, fn in cases(muni, itype, sites):
        f = measure(fn, args.runs)
        print(
            f"{label:<26}{f.median_ms:>10.2f}{f.p95_ms:>9.2f}{f.cpu_median_ms:>8.2f}"
            f"{f.cpu_best_ms:>9.2f}{f.queries:>9}{f.size:>7}"
        )
    if args.cache:
        cache_figures(muni, itype, sites, args.runs)
    if args.profile:
        import cProfile
        import pstats

        fn = cases(muni, itype, sites)[0][1]
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [fn() for _ in range(20)])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()

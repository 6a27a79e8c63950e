"""Benchmark: each booking-path figure beside references measured in the same run, as ratios.

On a shared machine the milliseconds swing from run to run; a ratio to a reference measured in
the same process, interleaved round by round with the figure, does not swing as much. The
references are what the database cannot do faster:

- **ceiling**: one indexed SELECT (a booking by primary key), one round trip;
- **bare insert**: one INSERT, committed, into a table with the same two exclusion constraints
  as bookings (nurse × time range, site × room × time range, for active rows only): what any
  booking with the database as judge costs at least.

The figures, in-process (Django ORM, autocommit as in a request), on the dataset of
bench_availability.py (Katsushika's 12 sites, 24 nurses, 2,000 bookings in the next 30 days):

- `booking_create` (direct booking, with its outbox rows) at a free place;
- `booking_hold` at a free place;
- a refusal: `booking_create` of a place just taken (slot_unavailable with alternatives);
- `open_slots`, one site × 31 days and all 12 sites × 1 day.

Each round times every reference and figure once, in turn; the medians and p95 of --rounds
rounds are printed with their ratios to both references. PostgreSQL when DATABASE_URL names a
throwaway database whose name starts with bench_ (it is wiped); otherwise SQLite (no exclusion
constraints there: the bare insert goes to a table without them).

Usage: .venv/bin/python bench/bench_side_by_side.py [--rounds 60]
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The booking only nudges the dispatcher through the broker in production; never send in-line.
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "False"
# ... through Redis as in production (BENCH_BROKER_URL, default Redis DB 4): the nudge after a
# booking's commit is part of its time. "memory://" leaves the broker out.
os.environ["CELERY_BROKER_URL"] = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/4")

import bench_availability as dataset  # sets Django up on the bench database
from django.db import connection

from scheduling.availability import open_slots
from scheduling.models import Booking, Pregnancy, Resident, Site, User
from scheduling.services import booking_create, booking_hold
from yurikago.errors import DomainError

REFERENCE_TABLE = "bench_exclusion_reference"


def _reference_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {REFERENCE_TABLE}")
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""CREATE TABLE {REFERENCE_TABLE} (
                    id bigserial PRIMARY KEY, nurse_id integer NOT NULL,
                    site_id integer NOT NULL, room integer, start timestamptz NOT NULL,
                    blocked_until timestamptz NOT NULL, status varchar(12) NOT NULL,
                    EXCLUDE USING gist (tstzrange(start, blocked_until) WITH &&,
                        nurse_id WITH =) WHERE (status IN ('held', 'confirmed')),
                    EXCLUDE USING gist (tstzrange(start, blocked_until) WITH &&,
                        site_id WITH =, room WITH =)
                        WHERE (status IN ('held', 'confirmed') AND room IS NOT NULL))"""
            )
        else:
            cursor.execute(
                f"""CREATE TABLE {REFERENCE_TABLE} (
                    id integer PRIMARY KEY AUTOINCREMENT, nurse_id integer NOT NULL,
                    site_id integer NOT NULL, room integer, start datetime NOT NULL,
                    blocked_until datetime NOT NULL, status varchar(12) NOT NULL)"""
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=60)
    rounds = parser.parse_args().rounds

    dataset.fresh_database()
    rng = random.Random(19)
    muni, itype, sites = dataset.build(rng)
    now = dataset.NOW
    _reference_table()
    by_id = {s.pk: s for s in Site.objects.select_related("municipality")}
    month_to = dataset.TODAY + dt.timedelta(days=dataset.DAYS_AHEAD)
    free = open_slots(
        municipality=muni, interview_type=itype, date_from=dataset.TODAY, date_to=month_to, now=now
    )
    # Distinct (site, start) places, so each booking and hold finds its place free.
    places = rng.sample(free, 2 * rounds + 1)
    users = User.objects.bulk_create(
        [User(email=f"side{i}@example.jp", phone=f"+8190{30000000 + i:08d}") for i in range(2)]
    )
    resident = Resident.objects.create(
        user=users[0], municipality=muni, name="side", phone=users[0].phone, email=users[0].email
    )
    pregnancies = Pregnancy.objects.bulk_create(
        [Pregnancy(resident=resident) for _ in range(2 * rounds + 2)]
    )
    # A place taken to its capacity, for the loser's path.
    taken = places.pop()
    for _ in range(taken.capacity):
        booking_create(
            site=by_id[taken.site_id],
            interview_type=itype,
            start=taken.start,
            pregnancy=Pregnancy.objects.create(resident=resident),
            now=now,
        )
    pk = Booking.objects.values_list("pk", flat=True).first()
    base = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    counter = iter(range(10**9))

    def ceiling() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, start FROM scheduling_booking WHERE id = %s", [pk])
            cursor.fetchone()

    def bare_insert() -> None:
        i = next(counter)
        start = base + dt.timedelta(hours=i)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {REFERENCE_TABLE} (nurse_id, site_id, room, start, blocked_until,"
                " status) VALUES (%s, %s, %s, %s, %s, 'confirmed')",
                [1 + i % 24, 1 + i % 12, 1, start, start + dt.timedelta(minutes=40)],
            )

    def create() -> None:
        slot = places.pop()
        booking_create(
            site=by_id[slot.site_id],
            interview_type=itype,
            start=slot.start,
            pregnancy=pregnancies.pop(),
            notify_email=True,
            now=now,
        )

    def hold() -> None:
        slot = places.pop()
        booking_hold(site=by_id[slot.site_id], interview_type=itype, start=slot.start, now=now)

    def refused() -> None:
        try:
            booking_create(
                site=by_id[taken.site_id],
                interview_type=itype,
                start=taken.start,
                pregnancy=pregnancies[0],
                now=now,
            )
        except DomainError as exc:
            assert exc.code in ("slot_unavailable", "already_booked"), exc.code
        else:
            raise SystemExit("a full place was booked")

    def month_one_site() -> None:
        open_slots(
            municipality=muni,
            interview_type=itype,
            date_from=dataset.TODAY,
            date_to=month_to,
            site_ids=[sites[0].pk],
            now=now,
        )

    def day_all_sites() -> None:
        day = dataset.TODAY + dt.timedelta(days=7)
        open_slots(municipality=muni, interview_type=itype, date_from=day, date_to=day, now=now)

    work: list[tuple[str, Callable[[], None]]] = [
        ("ceiling: one indexed SELECT", ceiling),
        ("bare INSERT, exclusion constraints", bare_insert),
        ("booking_create", create),
        ("booking_hold", hold),
        ("refused (slot_unavailable)", refused),
        ("open_slots 1 site x 31 days", month_one_site),
        ("open_slots 12 sites x 1 day", day_all_sites),
    ]
    for _name, fn in work:  # warm-up: connections, caches, imports
        if fn not in (create, hold):
            fn()
    times: dict[str, list[float]] = {name: [] for name, _ in work}
    for _ in range(rounds):
        for name, fn in work:
            t0 = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - t0) * 1000)

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)

    ceiling_ms = statistics.median(times[work[0][0]])
    insert_ms = statistics.median(times[work[1][0]])
    print(
        f"\n== side by side on {connection.vendor}: {rounds} interleaved rounds, "
        f"load average (1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"  {'work':38} {'median':>9} {'p95':>9} {'x ceiling':>10} {'x insert':>9}")
    for name, _ in work:
        median = statistics.median(times[name])
        print(
            f"  {name:38} {median:7.2f}ms {p95(times[name]):7.2f}ms "
            f"{median / ceiling_ms:9.1f}x {median / insert_ms:8.1f}x"
        )
    broker = os.environ["CELERY_BROKER_URL"]
    print(f"  broker: {broker} (a booking's nudge after its commit)")
    if broker.startswith("redis://"):
        import redis

        redis.Redis.from_url(broker).flushdb()  # the nudges nobody consumed


if __name__ == "__main__":
    main()

"""Our side of the peer's bench: CPU time and statements, and the 8-thread race.

bench_side_by_side.py prints wall time only; this first books --cpu-rounds free places one after
another with `booking_create` (as bench_side_by_side.py does: notify_email, Redis as the broker)
and times its two open_slots as many times, and prints the median wall and CPU time
(time.process_time) and the statements of one call, as the peer's bench does for the peer.
Then the race: N threads `booking_create` the same place at the same moment.

Run from the project's venv on the bench database bench_side_by_side.py has just built
(DATABASE_URL, bench_…; the dataset of bench_availability.py is reused, not rebuilt). Picks a
free place of capacity one when there is one (else the smallest), books it from --threads
threads at once, each with its own connection and pregnancy, and prints how many got through
beside the place's capacity, then one line `OURS_RACE {json}` for bench/bench_peer.py.

Usage: [OURS_ROOT=DIR] DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_core \
       .venv/bin/python bench/peer/race_ours.py [--threads 8]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

# OURS_ROOT: another checkout whose code is "ours" (bench_peer.py --ours-root); default this one.
sys.path.insert(
    0, str(Path(os.environ.get("OURS_ROOT", Path(__file__).resolve().parents[2])) / "bench")
)
if not os.environ.get("DATABASE_URL"):
    sys.exit("race_ours.py: DATABASE_URL must name the bench database bench_side_by_side.py built")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "False"
os.environ["CELERY_BROKER_URL"] = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/4")

import bench_availability as dataset  # sets Django up on the bench database (no wipe here)
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.availability import open_slots
from scheduling.models import (
    Booking,
    InterviewType,
    Municipality,
    Pregnancy,
    Resident,
    Site,
    User,
)
from scheduling.services import booking_create
from yurikago.errors import DomainError


def _sequential(
    muni: Municipality, itype: InterviewType, sites: dict[int, Site], places: list
) -> tuple[list[float], list[float], int]:
    """Wall and CPU ms of booking_create at each place (the first, a warm-up, counted)."""
    users = User.objects.bulk_create(
        [User(email=f"cpu{i}.{os.getpid()}@bench.example") for i in range(len(places))]
    )
    residents = Resident.objects.bulk_create(
        [Resident(user=u, municipality=muni, name=f"cpu {i}") for i, u in enumerate(users)]
    )
    pregnancies = Pregnancy.objects.bulk_create([Pregnancy(resident=r) for r in residents])
    wall, cpu, statements = [], [], 0
    for i, (slot, pregnancy) in enumerate(zip(places, pregnancies, strict=True)):
        c0, t0 = time.process_time(), time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            booking_create(
                site=sites[slot.site_id],
                interview_type=itype,
                start=slot.start,
                pregnancy=pregnancy,
                notify_email=True,
                now=dataset.NOW,
            )
        statements = len(queries)
        if i == 0:
            continue
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return wall, cpu, statements


def _slots_cpu(
    muni: Municipality, itype: InterviewType, first_site: int, calls: int
) -> dict[str, tuple[float, float, int]]:
    """(median wall ms, median CPU ms, statements) of bench_side_by_side.py's two open_slots."""
    month_to = dataset.TODAY + dt.timedelta(days=dataset.DAYS_AHEAD)
    day = dataset.TODAY + dt.timedelta(days=7)
    work = {
        "open_slots 1 site x 31 days": lambda: open_slots(
            municipality=muni,
            interview_type=itype,
            date_from=dataset.TODAY,
            date_to=month_to,
            site_ids=[first_site],
            now=dataset.NOW,
        ),
        "open_slots 12 sites x 1 day": lambda: open_slots(
            municipality=muni, interview_type=itype, date_from=day, date_to=day, now=dataset.NOW
        ),
    }
    out = {}
    for name, fn in work.items():
        with CaptureQueriesContext(connection) as queries:
            fn()  # warm-up
        wall, cpu = [], []
        for _ in range(calls):
            c0, t0 = time.process_time(), time.perf_counter()
            fn()
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        out[name] = (statistics.median(wall), statistics.median(cpu), len(queries))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--cpu-rounds", type=int, default=20)
    args = parser.parse_args()
    threads = args.threads

    muni = Municipality.objects.get(code="katsushika")
    itype = InterviewType.objects.get(municipality=muni, code="yurikago")
    free = open_slots(
        municipality=muni,
        interview_type=itype,
        date_from=dataset.TODAY,
        date_to=dataset.TODAY + dt.timedelta(days=dataset.DAYS_AHEAD),
        now=dataset.NOW,
    )
    place = min(free, key=lambda slot: (slot.capacity, -slot.start.timestamp()))
    sites = {s.pk: s for s in Site.objects.select_related("municipality")}
    wall, cpu, statements = _sequential(
        muni, itype, sites, [slot for slot in free if slot is not place][: args.cpu_rounds + 1]
    )
    slots_cpu = _slots_cpu(muni, itype, min(sites), args.cpu_rounds)
    site = Site.objects.select_related("municipality").get(pk=place.site_id)
    users = User.objects.bulk_create(
        [User(email=f"racer{i}.{os.getpid()}@bench.example") for i in range(threads)]
    )
    residents = Resident.objects.bulk_create(
        [Resident(user=u, municipality=muni, name=f"racer {i}") for i, u in enumerate(users)]
    )
    pregnancies = Pregnancy.objects.bulk_create([Pregnancy(resident=r) for r in residents])
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []

    def book(pregnancy: Pregnancy) -> None:
        try:
            barrier.wait()
            booking_create(
                site=site,
                interview_type=itype,
                start=place.start,
                pregnancy=pregnancy,
                now=dataset.NOW,
            )
            outcomes.append("booked")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    workers = [threading.Thread(target=book, args=(p,)) for p in pregnancies]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    booked = Booking.objects.filter(
        site=site, start=place.start, status__in=[Booking.Status.HELD, Booking.Status.CONFIRMED]
    ).count()
    refusals = sorted({o for o in outcomes if o != "booked"})
    print(
        f"  race (ours): {threads} threads booking_create one place of capacity {place.capacity} "
        f"at once: {outcomes.count('booked')} got through, {booked} active bookings there; "
        f"refused: {len(outcomes) - outcomes.count('booked')} {refusals}"
    )
    print(
        f"  booking_create (ours), {len(wall)} in a row: median {statistics.median(wall):.2f} ms, "
        f"CPU {statistics.median(cpu):.2f} ms, {statements} statements"
    )
    for name, (w, c, n) in slots_cpu.items():
        print(
            f"  {name} (ours), {args.cpu_rounds} calls: median {w:.2f} ms, "
            f"CPU {c:.2f} ms, {n} statements"
        )
    result = {
        "slots": slots_cpu,
        "create_wall": statistics.median(wall),
        "create_cpu": statistics.median(cpu),
        "create_statements": statements,
        "threads": threads,
        "capacity": place.capacity,
        "booked": outcomes.count("booked"),
        "active_rows": booked,
        "refusals": refusals,
    }
    print("OURS_RACE " + json.dumps(result))
    broker = os.environ["CELERY_BROKER_URL"]
    if broker.startswith("redis://"):
        import redis

        redis.Redis.from_url(broker).flushdb()  # the nudges nobody consumed


if __name__ == "__main__":
    main()

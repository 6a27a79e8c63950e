"""Benchmark: importing a 10,000-row pregnancy notification export (issue 16, target < 10 s on
PostgreSQL).

Migrates the database in DATABASE_URL (or the SQLite file var/bench_notifications_import.sqlite3)
and runs every import inside a transaction it rolls back, so it leaves no rows behind and wipes
nothing: safe on a developer's own database. Each run imports N new women (a fresh resident,
sign-in and pregnancy each) plus 5 % who are already residents (matched by phone), through
`notifications_import_file`: decoding, checking every row, then the bulk writes (COPY on
PostgreSQL) and the foreign-key checks a commit would make. Prints the wall-clock time of each
phase and the total, median over --runs.

Usage: .venv/bin/python bench/bench_notifications_import.py [--rows 10000] [--runs 3]
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/DBNAME .venv/bin/python bench/…
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
    os.environ["SQLITE_PATH"] = str(ROOT / "var" / "bench_notifications_import.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from scheduling.models import Municipality, Pregnancy, Resident, User  # noqa: E402
from scheduling.notification_import import (  # noqa: E402
    decode_export,
    notifications_import,
    parse_export,
)
from tests.notifications_in.helpers import export, good_rows  # noqa: E402


class Rollback(Exception):
    pass


def existing_residents(municipality: Municipality, rows: list[dict[str, str]]) -> None:
    """Every 20th woman is a resident already (she booked online before her notification)."""
    for n, row in enumerate(rows):
        if n % 20:
            continue
        user = User.objects.create_user(phone=None, email=None, display_name=row["氏名"])
        resident = Resident.objects.create(
            user=user,
            municipality=municipality,
            name=row["氏名"],
            phone="+81" + row["電話番号"].replace("-", "")[1:],
        )
        Pregnancy.objects.create(resident=resident)


def one_run(rows: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    try:
        with transaction.atomic():
            municipality = Municipality.objects.create(code="bench-notify", name="ベンチ市")
            data = good_rows(rows)
            existing_residents(municipality, data)
            raw = export(data).encode("cp932")
            start, cpu = time.perf_counter(), time.process_time()
            parsed, errors = parse_export(decode_export(raw))
            figures["read and check"] = time.perf_counter() - start
            assert not errors, errors[:3]
            mark = time.perf_counter()
            result = notifications_import(municipality=municipality, rows=parsed)
            if connection.vendor == "postgresql":
                # The foreign keys are checked at commit (DEFERRABLE INITIALLY DEFERRED); this
                # run rolls back, so make PostgreSQL check them now and count them in.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            figures["write"] = time.perf_counter() - mark
            figures["total"] = time.perf_counter() - start
            figures["our CPU"] = time.process_time() - cpu
            assert not result.refused and result.created == rows, result
            figures["matched"] = result.matched
            raise Rollback
    except Rollback:
        pass
    return figures


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
    runs = [one_run(args.rows) for _ in range(args.runs)]
    for name in ("read and check", "write", "total", "our CPU"):
        values = [run[name] for run in runs]
        print(
            f"{name:>15}: median {statistics.median(values):.2f} s "
            f"(min {min(values):.2f}, max {max(values):.2f})"
        )
    print(f"{'matched':>15}: {int(runs[0]['matched'])} existing residents")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()

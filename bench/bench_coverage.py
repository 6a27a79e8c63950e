"""Benchmark: the coverage page's figures (issue 16) over a year of 10,000 notified pregnancies.

Migrates the database in DATABASE_URL (or the SQLite file var/bench_coverage.sqlite3) and builds
everything inside a transaction it rolls back, so it wipes nothing. A municipality with two
sites and two contacts (the interview at the notification; the 8th-month questionnaire at week
28); 10,000 notifications spread over the last 365 days in 20 districts (through the import);
30 % attended a booking for the interview; 40 % of those whose questionnaire fell due sent it
and 10 % saved a draft. Times, over the last 12 months, the notification coverage and the
per-contact months (scheduling.reports), per site and per district; prints median and p95 over
--runs and the queries of each call.

Usage: .venv/bin/python bench/bench_coverage.py [--runs 10]
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/DBNAME .venv/bin/python bench/…
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yurikago.test_settings")
if not os.environ.get("DATABASE_URL"):
    (ROOT / "var").mkdir(exist_ok=True)
    os.environ["SQLITE_PATH"] = str(ROOT / "var" / "bench_coverage.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from scheduling.models import (  # noqa: E402
    Booking,
    Contact,
    InterviewType,
    Municipality,
    Nurse,
    Pregnancy,
    Site,
    User,
)
from scheduling.notification_import import notifications_import_file  # noqa: E402
from scheduling.questionnaire_models import Questionnaire, QuestionnaireResponse  # noqa: E402
from scheduling.reports.contact_months import DISTRICT, SITE, contact_months  # noqa: E402
from scheduling.reports.notification_coverage import notification_coverage  # noqa: E402
from tests.notifications_in.helpers import export, good_rows  # noqa: E402

TZ = ZoneInfo("Asia/Tokyo")
PREGNANCIES = 10_000


class Rollback(Exception):
    pass


def build() -> Municipality:
    today = timezone.localdate()
    municipality = Municipality.objects.create(code="bench-coverage", name="ベンチ区")
    sites = [
        Site.objects.create(municipality=municipality, code=f"s{n}", name=f"会場{n}", address="-")
        for n in range(2)
    ]
    itype = InterviewType.objects.create(municipality=municipality, code="t", name="面接")
    nurse = Nurse.objects.create(
        user=User.objects.create_user(email="bench-coverage@example.jp"),
        municipality=municipality,
        name="看護",
    )
    first = Contact.objects.create(
        municipality=municipality,
        code="first",
        name="面接",
        kind="site_interview",
        interview_type=itype,
    )
    sheet = Contact.objects.create(
        municipality=municipality,
        code="q8",
        name="8か月アンケート",
        kind="questionnaire",
        due_basis="gestation_weeks",
        due_from=28,
        due_until=31,
        needs_booking=False,
        ordering_key=1,
    )
    questionnaire = Questionnaire.objects.create(contact=sheet)
    rows = good_rows(PREGNANCIES)
    for n, row in enumerate(rows):
        notified = today - dt.timedelta(days=1 + n % 365)
        row["届出日"] = notified.isoformat()
        row["出産予定日"] = (notified + dt.timedelta(days=230)).isoformat()
        row["地区"] = f"地区{n % 20:02d}"
    result = notifications_import_file(municipality=municipality, data=export(rows).encode())
    assert not result.refused and result.created == PREGNANCIES, result.errors[:3]
    pregnancies = list(
        Pregnancy.objects.filter(notification__municipality=municipality).order_by("pk")
    )
    bookings, responses = [], []
    for n, pregnancy in enumerate(pregnancies):
        if n % 10 < 3:
            start = dt.datetime.combine(
                pregnancy.notified_on + dt.timedelta(days=n % 40), dt.time(10), tzinfo=TZ
            ) + dt.timedelta(minutes=n)
            bookings.append(
                Booking(
                    municipality=municipality,
                    pregnancy=pregnancy,
                    site=sites[n % 2],
                    nurse=nurse,
                    interview_type=itype,
                    contact=first,
                    start=start,
                    end=start + dt.timedelta(minutes=30),
                    blocked_until=start + dt.timedelta(minutes=30),
                    status=Booking.Status.ATTENDED,
                )
            )
        if n % 10 < 5:
            status = "submitted" if n % 10 < 4 else "draft"
            responses.append(
                QuestionnaireResponse(
                    pregnancy=pregnancy, questionnaire=questionnaire, status=status
                )
            )
    Booking.objects.bulk_create(bookings, batch_size=2000)
    QuestionnaireResponse.objects.bulk_create(responses, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return municipality


def timed(call: Callable[[], object], runs: int) -> tuple[float, float, int]:
    with CaptureQueriesContext(connection) as captured:
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], len(captured)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(
        f"{connection.vendor}, {PREGNANCIES:,} notified pregnancies, "
        f"{timezone.now():%Y-%m-%d %H:%M} UTC"
    )
    try:
        with transaction.atomic():
            municipality = build()
            today = timezone.localdate()
            last = today.replace(day=1)
            first = (last - dt.timedelta(days=335)).replace(day=1)
            ids = [municipality.pk]
            calls: dict[str, Callable[[], object]] = {
                "notifications per site": lambda: notification_coverage(
                    municipality_ids=ids,
                    month_from=first,
                    month_to=last,
                    today=today,
                    now=timezone.now(),
                    tz=TZ,
                    group_by=SITE,
                ),
                "notifications per district": lambda: notification_coverage(
                    municipality_ids=ids,
                    month_from=first,
                    month_to=last,
                    today=today,
                    now=timezone.now(),
                    tz=TZ,
                    group_by=DISTRICT,
                ),
                "contacts per site": lambda: contact_months(
                    municipality_ids=ids, month_from=first, month_to=last, tz=TZ, group_by=SITE
                ),
                "contacts per district": lambda: contact_months(
                    municipality_ids=ids,
                    month_from=first,
                    month_to=last,
                    tz=TZ,
                    group_by=DISTRICT,
                ),
            }
            for name, call in calls.items():
                median, p95, queries = timed(call, args.runs)
                print(f"{name:>28}: median {median:.0f} ms, p95 {p95:.0f} ms, {queries} queries")
            raise Rollback
    except Rollback:
        pass
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()

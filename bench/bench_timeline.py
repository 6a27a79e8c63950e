"""Staff timeline of a pregnancy (issue 15): server time per request with the demo data.

Run: .venv/bin/python bench/bench_timeline.py   (a throwaway SQLite database under var/)

An administrator of Katsushika (password + TOTP session, as the staff tests sign in) opens the
timeline of a demo pregnancy that has a booking for its first contact and a record for every
contact (done, declined, invited, not needed), with its outcome forms. Each request goes through
Django's full stack in-process (middleware, access check, access log write, view, template);
median and 90th percentile of RUNS requests after a warm-up, and the queries per request.
Target: < 100 ms.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.getenv("BENCH_RUNS", "60"))
TARGET_MS = 100


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    (ROOT / "var").mkdir(exist_ok=True)
    db = tempfile.NamedTemporaryFile(
        prefix="bench_timeline_", suffix=".sqlite3", dir=ROOT / "var", delete=False
    )
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "yurikago.test_settings",
            "SQLITE_PATH": db.name,
            "LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND_KIND": "locmem",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from scheduling.demo import seed

    seed()


def the_pregnancy() -> int:
    """A demo pregnancy with a booking, and a record for each of its municipality's contacts."""
    from scheduling.contact_models import Contact, PregnancyContact
    from scheduling.models import Booking, Nurse

    booking = (
        Booking.objects.filter(municipality__code="katsushika", pregnancy__isnull=False)
        .select_related("pregnancy__resident")
        .order_by("start")
        .first()
    )
    assert booking is not None and booking.pregnancy is not None
    pregnancy = booking.pregnancy
    contacts = list(Contact.objects.filter(municipality_id=booking.municipality_id))
    assert contacts, "the demo configures Katsushika's contacts"
    nurse = Nurse.objects.filter(municipality_id=booking.municipality_id).first()
    statuses = ["done", "declined", "invited", "not_needed"]
    for contact, status in zip(contacts, statuses * 3, strict=False):
        PregnancyContact.objects.update_or_create(
            pregnancy=pregnancy,
            contact=contact,
            defaults={
                "status": status,
                "done_on": dt.date.today() if status == "done" else None,
                "done_by": nurse if status == "done" else None,
                "outcome": "ゆりかごプラン作成",
                "staff_notes": "次回は訪問希望。" * 10,
            },
        )
    return pregnancy.pk


def main() -> None:
    setup()
    from django.db import connection
    from django.test import Client

    from scheduling.models import User
    from tests.staff.helpers import sign_in_with_mfa

    pregnancy_id = the_pregnancy()
    client = Client(HTTP_ACCEPT_LANGUAGE="ja", HTTP_HOST="127.0.0.1")
    sign_in_with_mfa(client, User.objects.get(email="admin@katsushika.example"))
    url = f"/staff/pregnancies/{pregnancy_id}/"
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    queries: list[str] = []
    with connection.execute_wrapper(lambda run, sql, *args: queries.append(sql) or run(sql, *args)):
        client.get(url)
    if os.getenv("BENCH_SQL"):
        print("\n".join(q[:160] for q in queries))
    if os.getenv("BENCH_PROFILE"):  # where the time goes: 20 requests under cProfile
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(lambda: [client.get(url) for _ in range(20)])
        order = os.getenv("BENCH_PROFILE_SORT", "cumulative")
        pstats.Stats(profiler).sort_stats(order).print_stats(30)
    samples, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        # CPU time of this process: on the shared machine wall-clock follows the others' load.
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    median = statistics.median(samples)
    p90 = statistics.quantiles(samples, n=10)[-1]
    print(f"Staff timeline, {RUNS} requests, demo data, {len(queries)} queries per request")
    print(
        f"median {median:.1f} ms, p90 {p90:.1f} ms, CPU median {statistics.median(cpu):.1f} ms "
        f"(target < {TARGET_MS} ms): {'OK' if median < TARGET_MS else 'OVER'}"
    )


if __name__ == "__main__":
    main()

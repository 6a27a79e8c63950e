"""Contacts of a pregnancy (issue 15): remote-interview availability and her bookings page.

Run: .venv/bin/python bench/bench_contacts.py   (a throwaway SQLite database under var/)

On the demo data (Katsushika from its municipality file: 12 sites, their nurses and hours,
seeded bookings), the bench adds an 8th-month remote interview (video or phone, its own
interview type) and remote hours for every Katsushika nurse (weekdays 17:00–19:00, Saturday
mornings, from one base: the ward office), then measures in-process:

- scheduling.availability.open_slots for the remote interview over one month, every nurse
  (a remote interview is not tied to a place), and the queries of one call for one day and for
  31 days (the same number); target < 15 ms on SQLite;
- GET /bookings/ for a resident whose pregnancy has Katsushika's contacts and the remote one
  (one booked in person, one booked remote, one done), through Django's full stack; target
  < 50 ms.

Median and 90th percentile of RUNS runs after a warm-up.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.getenv("BENCH_RUNS", "60"))


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    (ROOT / "var").mkdir(exist_ok=True)
    db = tempfile.NamedTemporaryFile(
        prefix="bench_contacts_", suffix=".sqlite3", dir=ROOT / "var", delete=False
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


def remote_interview() -> tuple[object, object]:
    from scheduling.models import (
        AvailabilityRule,
        Contact,
        InterviewType,
        Municipality,
        Nurse,
        Site,
    )

    muni = Municipality.objects.get(code="katsushika")
    itype = InterviewType.objects.create(
        municipality=muni,
        code="remote-8m",
        name="妊娠8か月の面談",
        modes=["video", "phone"],
        reminder_hours_before=[24],
    )
    contact = Contact.objects.create(
        municipality=muni,
        code="interview-8m",
        name="妊娠8か月の面談",
        kind=Contact.Kind.REMOTE_INTERVIEW,
        due_basis=Contact.DueBasis.GESTATION_WEEKS,
        due_from=28,
        due_until=31,
        interview_type=itype,
        modes=["video", "phone"],
        ordering_key=1,
    )
    # Remote interviews are run from one base (the ward office's child-rearing desk), as a
    # municipality would: the nurse calls from there, whatever her in-person sites are.
    site = Site.objects.get(municipality=muni, code="kuyakusho")
    for nurse in Nurse.objects.filter(municipality=muni):
        for weekday, (h1, h2) in [(d, (17, 19)) for d in range(5)] + [(5, (9, 12))]:
            AvailabilityRule.objects.create(
                nurse=nurse,
                site=site,
                weekday=weekday,
                start_time=dt.time(h1),
                end_time=dt.time(h2),
                valid_from=dt.date(2026, 1, 1),
                remote=True,
            )
    return muni, contact


def timed(work: Callable[[], object]) -> tuple[float, float, float]:
    """Wall-clock median and p90, and the CPU-time median (less sensitive to a busy machine)."""
    for _ in range(3):
        work()
    samples, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return (
        statistics.median(samples),
        statistics.quantiles(samples, n=10)[-1],
        statistics.median(cpu),
    )


def queries_of(work: Callable[[], object]) -> int:
    from django.db import connection

    queries: list[str] = []
    with connection.execute_wrapper(lambda run, sql, *args: queries.append(sql) or run(sql, *args)):
        work()
    return len(queries)


def bench_availability(muni: object, contact: object) -> None:
    from django.utils import timezone

    from scheduling.availability import open_slots

    itype = contact.interview_type  # type: ignore[attr-defined]
    today = timezone.localdate()

    def month() -> object:
        return open_slots(
            municipality=muni,  # type: ignore[arg-type]
            interview_type=itype,
            date_from=today,
            date_to=today + dt.timedelta(days=30),
            mode="video",
        )

    def one_day() -> object:
        return open_slots(
            municipality=muni,  # type: ignore[arg-type]
            interview_type=itype,
            date_from=today + dt.timedelta(days=3),
            date_to=today + dt.timedelta(days=3),
            mode="video",
        )

    slots = month()
    median, p90, cpu = timed(month)
    print(
        f"Remote-interview availability, one month, all nurses: {len(slots)} slots, "  # type: ignore[arg-type]
        f"{queries_of(month)} queries (one day: {queries_of(one_day)})"
    )
    print(f"  median {median:.1f} ms, p90 {p90:.1f} ms, CPU median {cpu:.1f} ms "
          f"(target < 15 ms): {'OK' if median < 15 else 'OVER'}")  # fmt: skip


def bench_her_page(contact: object) -> None:
    from django.test import Client
    from django.utils import timezone

    from scheduling.models import Booking, Pregnancy, PregnancyContact
    from scheduling.services import booking_create

    booking = (
        Booking.objects.filter(
            municipality__code="katsushika", status="confirmed", start__gt=timezone.now()
        )
        .select_related("pregnancy__resident__user")
        .order_by("start")
        .first()
    )
    assert booking is not None and booking.pregnancy is not None
    pregnancy: Pregnancy = booking.pregnancy
    pregnancy.due_date = timezone.localdate() + dt.timedelta(days=77)  # week 29
    pregnancy.save()
    PregnancyContact.objects.update_or_create(
        pregnancy=pregnancy,
        contact=contact,  # type: ignore[misc]
        defaults={"status": "done", "done_on": timezone.localdate()},
    )
    from scheduling.contact_models import Contact

    questionnaire = Contact.objects.get(municipality__code="katsushika", code="questionnaire-8m")
    PregnancyContact.objects.update_or_create(
        pregnancy=pregnancy, contact=questionnaire, defaults={"status": "done"}
    )
    del booking_create  # the demo's booking is the booked one
    client = Client(HTTP_ACCEPT_LANGUAGE="ja", HTTP_HOST="127.0.0.1")
    client.force_login(pregnancy.resident.user)
    assert client.get("/bookings/").status_code == 200

    def page() -> None:
        assert client.get("/bookings/").status_code == 200

    contacts = Contact.objects.filter(municipality__code="katsushika").count()
    if os.getenv("BENCH_SQL"):
        from django.db import connection

        sql: list[str] = []
        with connection.execute_wrapper(lambda run, q, *args: sql.append(q) or run(q, *args)):
            page()
        print("\n".join(q[:160] for q in sql))
    if os.getenv("BENCH_PROFILE"):  # where her page's time goes: 20 requests under cProfile
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(lambda: [page() for _ in range(20)])
        order = os.getenv("BENCH_PROFILE_SORT", "cumulative")
        pstats.Stats(profiler).sort_stats(order).print_stats(30)
    median, p90, cpu = timed(page)
    print(f"Her /bookings/ with {contacts} contacts: {queries_of(page)} queries per request")
    print(f"  median {median:.1f} ms, p90 {p90:.1f} ms, CPU median {cpu:.1f} ms "
          f"(target < 50 ms): {'OK' if median < 50 else 'OVER'}")  # fmt: skip


def main() -> None:
    setup()
    muni, contact = remote_interview()
    bench_availability(muni, contact)
    bench_her_page(contact)


if __name__ == "__main__":
    main()

"""Benchmark: the peer, django-appointment 3.12, on this machine, beside its own ceiling.

Runs in the peer's virtualenv (var/peer-venv; bench/peer/peer_venv.py makes it and starts this), on
PostgreSQL (PEER_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_peer, created
if missing and wiped: its name must start with bench_). Seeds a world like bench_availability.py's:
24 staff members (12 "sites" of two: 8 open on weekdays 9:00–16:30, 3 children's halls sharing
the week 10:00–16:00, 1 evening desk 17:00–19:30; a lunch hour, a weekly afternoon off and six
meetings each as the peer's Unavailability rows), one 30-minute service, and 2,000 appointments
on free places of the next 30 days. The peer has one WorkingHours row per staff and weekday, so
breaks are Unavailability rows.

Then times, in-process, interleaved round by round with the one-indexed-SELECT ceiling (one
appointment by primary key) in the same process, autocommit as in a request:

- `peer booking, core`: what its booking writes: the AppointmentRequest as its form saves it
  (AppointmentRequest.save, with its checks) and the Appointment as its view's
  create_and_save_appointment makes it (INSERT, then save() again);
- `peer booking, views`: the work of its two booking POSTs, as appointment_request_submit and
  appointment_client_information do it for a signed-in client, without the HTTP layer, session
  and templates of the pages: AppointmentRequestForm validated and saved (with the view's
  StaffMember.exists()), the request re-read, AppointmentForm and ClientDataForm validated,
  ar.save(), update_user_name, create_and_save_appointment;
- `peer booking, views + e-mail`: the same and notify_admin_about_appointment, which the view
  calls in-line: the staff member's e-mail rendered with its .ics and sent (to Django's
  in-memory backend: nothing leaves the machine);
- `peer slots 1 staff x 31 days`: what its slot view (get_available_slots_ajax) does after its
  form, for one staff member, day by day over today + 30 days (its calendar asks day by day);
- `peer slots 24 staff x 1 day`: the same for each of the 24 on one weekday a week ahead.

None of the peer's bookings checks that the place is free: the race at the end books one place
from 8 threads at once (the `views` path, each its own connection and client) and counts how
many got through.

The peer's own loggers write every booking's INFO lines to stdout; they are set to WARNING here
(that output is a deployment's choice and would flood this bench), which can only make the peer
faster.

Prints medians, p95, CPU medians, statements per call and × ceiling, then one line
`PEER_RESULT {json}` for bench/bench_peer.py.

Usage: python3 bench/peer/peer_venv.py [--rounds 60] [--race-threads 8]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ["DJANGO_SETTINGS_MODULE"] = "peer_settings"
DATABASE_URL = os.environ.get("PEER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_peer")
os.environ["PEER_DATABASE_URL"] = DATABASE_URL
# sqlite:///<absolute path>: the peer on a SQLite file (bench_peer.py --sqlite), to set its slot
# views beside our in-process engine on SQLite; the race is then left out (SQLite lets one
# writer in at a time whatever the code does, so it would say nothing about the peer).
SQLITE = urlparse(DATABASE_URL).scheme == "sqlite"
_DB_PATH = urlparse(DATABASE_URL).path
DB_NAME = Path(_DB_PATH).name if SQLITE else _DB_PATH.lstrip("/")
if not DB_NAME.startswith("bench_"):
    sys.exit("PEER_DATABASE_URL must name a throwaway database, bench_…: it is wiped")

STAFF = 24
APPOINTMENTS = 2_000
DAYS_AHEAD = 30


def _create_database() -> None:
    import psycopg

    url = urlparse(DATABASE_URL)
    with psycopg.connect(
        host=url.hostname or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


if SQLITE:
    Path(_DB_PATH).unlink(missing_ok=True)
else:
    _create_database()

import django  # noqa: E402

django.setup()

from appointment.forms import AppointmentForm, AppointmentRequestForm, ClientDataForm  # noqa: E402
from appointment.models import (  # noqa: E402
    Appointment,
    AppointmentRequest,
    Config,
    Service,
    StaffMember,
    Unavailability,
    WorkingHours,
)
from appointment.services import get_available_slots_for_staff  # noqa: E402
from appointment.utils.db_helpers import (  # noqa: E402
    check_day_off_for_staff,
    create_and_save_appointment,
    get_weekday_num_from_date,
    is_working_day,
    update_user_name,
)
from appointment.utils.email_ops import notify_admin_about_appointment  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.formats import localize  # noqa: E402

for _name in list(logging.root.manager.loggerDict):
    if _name.startswith("appointment"):
        logging.getLogger(_name).setLevel(logging.WARNING)

User = get_user_model()
TODAY = timezone.localdate()
T = dt.time


def _peer_weekday(day: dt.date) -> int:
    """The peer's weekday numbers: 0 = Sunday … 6 = Saturday."""
    return (day.weekday() + 1) % 7


# (peer weekdays, start, end, lunch) for each of the 12 "sites" (two staff members each).
WEEKDAYS = [1, 2, 3, 4, 5]
SITES: list[tuple[list[int] | tuple[list[int], list[int]], T, T, bool]] = (
    [(WEEKDAYS, T(9), T(16, 30), True)] * 8
    # Children's halls: the two share the week (Mon/Wed/Fri/Sun and Tue/Thu/Sat), as ours do.
    + [(([1, 3, 5, 0], [2, 4, 6]), T(10), T(16), True)] * 3
    + [(WEEKDAYS, T(17), T(19, 30), False)]
)


def seed(
    rng: random.Random,
) -> tuple[Service, list[StaffMember], list[tuple[StaffMember, dt.date, dt.datetime]]]:
    # It ships no migrations, so its tables come from --run-syncdb; on a new database that
    # creates unmigrated apps' tables before auth's migrations run, and its foreign keys to
    # auth_user fail: migrate the apps that have migrations first.
    call_command("migrate", verbosity=0)
    call_command("migrate", run_syncdb=True, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    Config.objects.create(
        slot_duration=30,
        lead_time=T(9),
        finish_time=T(19, 30),
        appointment_buffer_time=0,
        website_name="Peer bench",
    )
    service = Service.objects.create(
        name="Interview", duration=dt.timedelta(minutes=30), price=Decimal(0)
    )
    staff_users = User.objects.bulk_create(
        [
            User(username=f"staff{i}", email=f"staff{i}@bench.example", first_name=f"Staff{i}")
            for i in range(STAFF)
        ]
    )
    staff = StaffMember.objects.bulk_create(
        [StaffMember(user=u, slot_duration=30) for u in staff_users]
    )
    StaffMember.services_offered.through.objects.bulk_create(
        [
            StaffMember.services_offered.through(staffmember_id=s.pk, service_id=service.pk)
            for s in staff
        ]
    )
    hours, unavailable = [], []
    days = [TODAY + dt.timedelta(days=n) for n in range(DAYS_AHEAD + 1)]
    working: dict[int, dict[int, tuple[T, T]]] = {}
    for i, member in enumerate(staff):
        weekdays, start, end, lunch = SITES[i // 2]
        if isinstance(weekdays, tuple):
            weekdays = weekdays[i % 2]
        working[member.pk] = {d: (start, end) for d in weekdays}
        member.work_on_saturday = 6 in weekdays
        member.work_on_sunday = 0 in weekdays
        hours += [
            WorkingHours(staff_member=member, day_of_week=d, start_time=start, end_time=end)
            for d in weekdays
        ]
        off_weekday = _peer_weekday(TODAY + dt.timedelta(days=rng.randint(1, 7)))
        for day in days:
            if _peer_weekday(day) not in weekdays:
                continue
            if lunch:
                unavailable.append(
                    Unavailability(staff_member=member, date=day, start_time=T(12), end_time=T(13))
                )
            if _peer_weekday(day) == off_weekday:  # a weekly afternoon off
                unavailable.append(
                    Unavailability(staff_member=member, date=day, start_time=T(13), end_time=T(16))
                )
        for _ in range(6):  # meetings imported from her own calendar
            day = TODAY + dt.timedelta(days=rng.randint(1, DAYS_AHEAD))
            begin = dt.datetime.combine(day, T(rng.randint(9, 15), rng.choice([0, 30])))
            finish = begin + dt.timedelta(minutes=rng.choice([30, 60, 90]))
            unavailable.append(
                Unavailability(
                    staff_member=member, date=day, start_time=begin.time(), end_time=finish.time()
                )
            )
    StaffMember.objects.bulk_update(staff, ["work_on_saturday", "work_on_sunday"])
    WorkingHours.objects.bulk_create(hours)
    Unavailability.objects.bulk_create(unavailable)

    # 2,000 appointments on free places of the next 30 days, never overlapping: the places its
    # slot view lists (computed here in one pass; a sample is checked against its view below).
    off: dict[tuple[int, dt.date], list[tuple[T, T]]] = {}
    for u in unavailable:
        off.setdefault((u.staff_member.pk, u.date), []).append((u.start_time, u.end_time))
    places = []
    for member in staff:
        for day in days[1:]:
            hours_of_day = working[member.pk].get(_peer_weekday(day))
            if hours_of_day is None:
                continue
            slot = dt.datetime.combine(day, hours_of_day[0])
            while (slot_end := slot + dt.timedelta(minutes=30)).time() <= hours_of_day[1]:
                if not any(
                    a < slot_end.time() and slot.time() < b
                    for a, b in off.get((member.pk, day), [])
                ):
                    places.append((member, day, slot))
                slot = slot_end
    for member, day, slot in rng.sample(places, 20):
        if slot not in _slots_of_day(member, day, service):
            sys.exit(f"the peer does not list {slot} for {member}: the seed is wrong")
    if len(places) < APPOINTMENTS:
        sys.exit(f"only {len(places)} free places for {APPOINTMENTS} appointments")
    chosen = rng.sample(places, APPOINTMENTS)
    clients = User.objects.bulk_create(
        [User(username=f"client{i}", email=f"client{i}@bench.example") for i in range(APPOINTMENTS)]
    )
    requests = AppointmentRequest.objects.bulk_create(
        [
            AppointmentRequest(
                date=day,
                start_time=slot.time(),
                end_time=(slot + dt.timedelta(minutes=30)).time(),
                service=service,
                staff_member=member,
                id_request=f"seed{i}",
            )
            for i, (member, day, slot) in enumerate(chosen)
        ],
        batch_size=500,
    )
    Appointment.objects.bulk_create(
        [
            Appointment(client=c, appointment_request=r, id_request=f"seed{i}", amount_to_pay=0)
            for i, (c, r) in enumerate(zip(clients, requests, strict=True))
        ],
        batch_size=500,
    )
    # The places left free (a 30-minute appointment on the 30-minute grid takes only its own).
    taken = {(member.pk, slot) for member, _day, slot in chosen}
    return service, staff, [p for p in places if (p[0].pk, p[2]) not in taken]


def _slots_of_day(member: StaffMember, day: dt.date, service: Service) -> list[dt.datetime]:
    """What the peer's slot view (get_available_slots_ajax) computes after its form."""
    if check_day_off_for_staff(staff_member=member, date=day):
        return []
    weekday = get_weekday_num_from_date(day)
    if not is_working_day(staff_member=member, day=weekday):
        return []
    slots = get_available_slots_for_staff(day, member, weekday, service=service)
    if day == timezone.localdate():
        now = timezone.localtime().time()
        slots = [slot for slot in slots if slot.time() > now]
    return slots


def _slots_view(member: StaffMember, day: dt.date, service: Service) -> list[list[object]]:
    return [[slot, localize(slot.time())] for slot in _slots_of_day(member, day, service)]


class Booker:
    """The peer's booking, three ways (see the module docstring), for one signed-in client."""

    def __init__(self, service: Service, client: User) -> None:  # type: ignore[valid-type]
        self.service = service
        self.client = client
        self.request = RequestFactory().post("/appointment/client-info/")
        self.request.user = client

    def _request_form(self, member: StaffMember, slot: dt.datetime) -> dict[str, str]:
        return {
            "date": slot.date().isoformat(),
            "start_time": slot.strftime("%H:%M"),
            "end_time": (slot + dt.timedelta(minutes=30)).strftime("%H:%M"),
            "service": str(self.service.pk),
            "staff_member": str(member.pk),
        }

    CLIENT_POST = {
        "name": "Hanako Yamada",
        "email": "ignored@bench.example",  # disabled for a signed-in client: the account's
        "phone_0": "JP",
        "phone_1": "9012345678",
        "want_reminder": "",
        "address": "Katsushika",
        "additional_info": "",
        "payment_type": "full",
    }

    def core(self, member: StaffMember, slot: dt.datetime) -> Appointment:
        ar = AppointmentRequest(
            date=slot.date(),
            start_time=slot.time(),
            end_time=(slot + dt.timedelta(minutes=30)).time(),
            service=self.service,
            staff_member=member,
        )
        ar.save()
        return create_and_save_appointment(
            ar,
            {"name": "Hanako Yamada", "email": self.client.email},
            {
                "phone": "+819012345678",
                "want_reminder": False,
                "address": "",
                "additional_info": "",
            },
            self.request,
        )

    def views(self, member: StaffMember, slot: dt.datetime) -> Appointment:
        # POST 1, appointment_request_submit
        form = AppointmentRequestForm(self._request_form(member, slot))
        if not form.is_valid():
            raise SystemExit(f"peer form refused: {form.errors}")
        staff_member = form.cleaned_data["staff_member"]
        if not StaffMember.objects.filter(id=staff_member.id).exists():
            raise SystemExit("no staff member")
        ar = form.save()
        # POST 2, appointment_client_information (a signed-in client)
        ar = AppointmentRequest.objects.get(pk=ar.pk)
        client_data_form = ClientDataForm(self.CLIENT_POST, user=self.client)
        appointment_form = AppointmentForm(self.CLIENT_POST)
        if not (appointment_form.is_valid() and client_data_form.is_valid()):
            raise SystemExit(
                f"peer forms refused: {appointment_form.errors} {client_data_form.errors}"
            )
        ar.payment_type = self.CLIENT_POST["payment_type"]
        ar.save()
        update_user_name(self.client, client_data_form.cleaned_data["name"])
        return create_and_save_appointment(
            ar, client_data_form.cleaned_data, appointment_form.cleaned_data, self.request
        )

    def views_and_email(self, member: StaffMember, slot: dt.datetime) -> Appointment:
        appointment = self.views(member, slot)
        notify_admin_about_appointment(appointment, appointment.client.first_name)
        return appointment


def race(service: Service, member: StaffMember, slot: dt.datetime, threads: int) -> int:
    """Books one place from `threads` threads at once (each its own connection and client)."""
    clients = User.objects.bulk_create(
        [User(username=f"racer{i}", email=f"racer{i}@bench.example") for i in range(threads)]
    )
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def book(client: User) -> None:  # type: ignore[valid-type]
        close_old_connections()
        booker = Booker(service, client)
        try:
            barrier.wait()
            booker.views(member, slot)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=book, args=(c,)) for c in clients]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        print(f"  race: {len(errors)} refused: {sorted({type(e).__name__ for e in errors})}")
    return Appointment.objects.filter(
        appointment_request__staff_member=member,
        appointment_request__date=slot.date(),
        appointment_request__start_time=slot.time(),
    ).count()


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--race-threads", type=int, default=8)
    args = parser.parse_args()
    rounds = args.rounds

    rng = random.Random(19)
    t0 = time.perf_counter()
    service, staff, free = seed(rng)
    seed_s = time.perf_counter() - t0
    client = User.objects.create(
        username="side", email="side@bench.example", first_name="Hanako", last_name="Yamada"
    )
    booker = Booker(service, client)
    places = rng.sample(free, 3 * rounds + 4)
    race_place = places.pop()
    pk = Appointment.objects.values_list("pk", flat=True).first()
    month = [TODAY + dt.timedelta(days=n) for n in range(DAYS_AHEAD + 1)]
    week_ahead = TODAY + dt.timedelta(days=7)
    while week_ahead.weekday() != 0:  # a Monday, as ours (bench_availability's TODAY + 7)
        week_ahead += dt.timedelta(days=1)

    def ceiling() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, created_at FROM appointment_appointment WHERE id = %s", [pk])
            cursor.fetchone()

    def book(how: Callable[[StaffMember, dt.datetime], Appointment]) -> Callable[[], None]:
        def run() -> None:
            member, _day, slot = places.pop()
            how(member, slot)

        return run

    def month_one_staff() -> None:
        for day in month:
            _slots_view(staff[0], day, service)

    def day_all_staff() -> None:
        for member in staff:
            _slots_view(member, week_ahead, service)

    work: list[tuple[str, Callable[[], None]]] = [
        ("ceiling: one indexed SELECT", ceiling),
        ("peer booking, core", book(booker.core)),
        ("peer booking, views", book(booker.views)),
        ("peer booking, views + e-mail", book(booker.views_and_email)),
        ("peer slots 1 staff x 31 days", month_one_staff),
        ("peer slots 24 staff x 1 day", day_all_staff),
    ]
    # Warm-up (connections, templates, caches), then the statements of one call of each.
    statements: dict[str, int] = {}
    for name, fn in work:
        with CaptureQueriesContext(connection) as queries:
            fn()
        statements[name] = len(queries)
    mail.outbox = []
    wall: dict[str, list[float]] = {name: [] for name, _ in work}
    cpu: dict[str, list[float]] = {name: [] for name, _ in work}
    for _ in range(rounds):
        for name, fn in work:
            c0, t0 = time.process_time(), time.perf_counter()
            fn()
            wall[name].append((time.perf_counter() - t0) * 1000)
            cpu[name].append((time.process_time() - c0) * 1000)
        mail.outbox = []
    load = os.getloadavg()[0]
    booked = None if SQLITE else race(service, race_place[0], race_place[2], args.race_threads)

    ceiling_ms = statistics.median(wall[work[0][0]])
    print(
        f"\n== the peer (django-appointment 3.12, Django {django.__version__}) on "
        f"{'SQLite' if SQLITE else 'PostgreSQL'} {DB_NAME}: {rounds} interleaved rounds, "
        f"load average (1 min) {load:.1f} on "
        f"{os.cpu_count()} cores; seeded in {seed_s:.1f} s"
    )
    print(f"  {'work':32} {'median':>9} {'p95':>9} {'cpu':>9} {'stmts':>6} {'x ceiling':>10}")
    result: dict[str, object] = {"load": load, "rounds": rounds, "work": {}}
    for name, _ in work:
        median = statistics.median(wall[name])
        print(
            f"  {name:32} {median:7.2f}ms {p95(wall[name]):7.2f}ms "
            f"{statistics.median(cpu[name]):7.2f}ms {statements[name]:6d} "
            f"{median / ceiling_ms:9.1f}x"
        )
        result["work"][name] = {  # type: ignore[index]
            "median": median,
            "p95": p95(wall[name]),
            "cpu": statistics.median(cpu[name]),
            "statements": statements[name],
        }
    if booked is not None:
        print(
            f"  race: {args.race_threads} threads booked one place at once: {booked} got through "
            f"(the peer checks nothing at booking)"
        )
    result["race"] = {"threads": args.race_threads, "booked": booked}
    print("PEER_RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()

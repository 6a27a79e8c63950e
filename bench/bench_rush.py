"""The 09:00 rush: 50 free places, 500 residents released at the same moment, each holding a slot
and confirming it, retrying with an offered alternative when hers was taken.

Run by hand: `.venv/bin/python bench/bench_rush.py` (PostgreSQL and gunicorn on 127.0.0.1; see
bench/api_server.py for the environment): every variant, one after the other, unless RUSH_SITES
names one (1, or 12 for the variant over 12 sites; RUSH_VIA_NGINX=1 puts production's nginx in
front). Prints throughput and latency, then checks
in SQL that there are exactly as many bookings as places, that no nurse is double-booked, and
that every client ended with a booking or a clean 409/429 and nobody saw a 5xx.

Each resident signed in RUSH_SIGNED_IN_MINUTES_AGO (default 5) minutes before the rush: her
session is in the shared cache with its idle clock stamped, as her sign-in left it (0: sessions
no request has used, as the first four rounds measured).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import http.client
import json
import os
import random
import resource
import secrets
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import api_server

CLIENTS = int(os.getenv("RUSH_CLIENTS", "500"))
# RUSH_SITES=12: the variant over Katsushika's shape, 12 sites of 2 nurses and 2 rooms, each
# nurse 2 half-hours (09:00–10:00): 48 places, every client starting at a site picked at random
# and taking an offered alternative at any site.
SITES = int(os.getenv("RUSH_SITES", "1"))
if SITES == 1:
    NURSES, SLOTS_PER_NURSE = 5, 10  # 5 nurses × 10 half-hours (09:00–14:00) = 50 places
else:
    NURSES, SLOTS_PER_NURSE = 2, 2
# The shape gunicorn_conf.py ships: 2 × cores + 1 workers of one thread (sync). Until the
# sixth round the rush ran 3 workers × 4 threads (RUSH_WORKERS=3 RUSH_THREADS=4).
WORKERS = int(os.getenv("RUSH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
THREADS = int(os.getenv("RUSH_THREADS", "1"))
# The load: "asyncio" (default) runs every resident as a coroutine over raw HTTP/1.1 keep-alive
# in this one process, so the client takes little of the two cores the server needs; "threads"
# is the earlier client, a thread and an http.client connection per resident.
CLIENT = os.getenv("RUSH_CLIENT", "asyncio")
# RUSH_VIA_NGINX=1: the clients talk to deploy/nginx/yurikago.conf (plain HTTP, one worker) in
# front of gunicorn, as in production; nginx's CPU counts with gunicorn's.
VIA_NGINX = os.getenv("RUSH_VIA_NGINX", "") == "1"
MAX_ATTEMPTS = 12
TIME_LIMIT = float(os.getenv("RUSH_TIME_LIMIT", "120"))
# Her session as signing in this many minutes before 09:00 left it: its idle clock stamped and
# the session in the shared cache. 0: sessions no request has used yet (the earlier rounds'
# figures: every first request read and wrote her session row).
SIGNED_IN_MINUTES_AGO = float(os.getenv("RUSH_SIGNED_IN_MINUTES_AGO", "5"))


def seed() -> tuple[list[int], dt.date, list[tuple[str, str]]]:
    """SITES sites with NURSES × SLOTS_PER_NURSE places each on one day; CLIENTS residents with
    a session each."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from notifications.models import Message
    from scheduling.models import (
        AvailabilityRule,
        Booking,
        Contact,
        InterviewType,
        Municipality,
        Nurse,
        Pregnancy,
        Resident,
        Site,
        User,
    )

    day = dt.date.today() + dt.timedelta(days=2)
    with transaction.atomic():
        muni, _ = Municipality.objects.get_or_create(
            code="rush-bench",
            defaults={"name": "負荷試験区", "branding_name": "面接", "holiday_calendar": "none"},
        )
        Message.objects.filter(municipality=muni).delete()
        Booking.objects.filter(municipality=muni).delete()
        itype, _ = InterviewType.objects.get_or_create(
            municipality=muni,
            code="interview",
            defaults={
                "name": "面接",
                "modes": ["in_person"],
                "min_notice_hours": 0,
                "reminder_hours_before": [],
            },
        )
        # Booked through the type, as a municipality's contacts are configured (issue 15): a
        # booking is for the type's first contact.
        Contact.objects.get_or_create(
            municipality=muni,
            code="interview",
            defaults={"name": "面接", "kind": Contact.Kind.SITE_INTERVIEW, "interview_type": itype},
        )
        site_ids = []
        for k in range(SITES):
            site, _ = Site.objects.update_or_create(
                municipality=muni,
                code="hall" if k == 0 else f"hall{k}",
                defaults={
                    "name": f"会場{k}",
                    "address": "1-1",
                    "rooms": NURSES,
                    "open_weekdays": list(range(7)),
                    "closed_on_public_holidays": False,
                    "year_end_start": "",
                    "year_end_end": "",
                    "modes": ["in_person"],
                    "is_active": True,
                },
            )
            site_ids.append(site.pk)
            AvailabilityRule.objects.filter(site=site).delete()
            for n in range(NURSES):
                email = (
                    f"rush-nurse-{n}@bench.invalid"
                    if k == 0
                    else f"rush-nurse-{k}-{n}@bench.invalid"
                )
                user, _ = User.objects.get_or_create(email=email)
                nurse, _ = Nurse.objects.get_or_create(
                    user=user, defaults={"municipality": muni, "name": f"nurse {k}-{n}"}
                )
                nurse.sites.set([site])
                AvailabilityRule.objects.create(
                    nurse=nurse,
                    site=site,
                    weekday=day.weekday(),
                    start_time=dt.time(9),
                    end_time=(
                        dt.datetime.combine(day, dt.time(9))
                        + dt.timedelta(minutes=30 * SLOTS_PER_NURSE)
                    ).time(),
                    valid_from=day,
                    valid_to=day,
                )
        # A previous run's other sites stay out of this one.
        Site.objects.filter(municipality=muni).exclude(pk__in=site_ids).update(is_active=False)
        sessions = []
        for i in range(CLIENTS):
            user, _ = User.objects.get_or_create(email=f"rush-{i}@bench.invalid")
            resident, _ = Resident.objects.get_or_create(
                user=user, defaults={"municipality": muni, "name": f"resident {i}"}
            )
            Pregnancy.objects.get_or_create(resident=resident, defaults={"is_active": True})
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            sessions.append((store.session_key, secrets.token_hex(16)))
    return site_ids, day, sessions


def kind_of(method: str, path: str, status: int) -> str:
    """The request's kind in the latency table: what she asked and, for a hold, its answer."""
    if method == "GET":
        return "availability"
    if path.startswith("/api/v1/bookings/"):
        return "booking"
    return "refused hold" if status == 409 else "hold"


class Client:
    def __init__(self, base: str, session: str, csrf: str) -> None:
        url = urlparse(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        self.headers = {
            "Cookie": f"sessionid={session}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        self.timings: list[float] = []
        self.kinds: list[str] = []
        self.statuses: Counter[int] = Counter()

    def call(
        self, method: str, path: str, body: dict | None = None, extra: dict | None = None
    ) -> tuple[int, dict, dict]:
        started = time.perf_counter()
        self.conn.request(
            method,
            path,
            body=json.dumps(body) if body is not None else None,
            headers={**self.headers, **(extra or {})},
        )
        response = self.conn.getresponse()
        raw = response.read()
        self.timings.append(time.perf_counter() - started)
        self.kinds.append(kind_of(method, path, response.status))
        self.statuses[response.status] += 1
        data = json.loads(raw) if raw else {}
        return response.status, data, dict(response.getheaders())


def one_resident(
    base: str,
    sites: list[int],
    day: dt.date,
    session: tuple[str, str],
    start_gate: threading.Barrier,
    results: list,
    lock: threading.Lock,
) -> None:
    client = Client(base, *session)
    outcome = "error"
    journey_started = 0.0
    try:
        site = random.choice(sites)
        start_gate.wait(timeout=60)
        journey_started = time.perf_counter()
        _, avail, _ = client.call("GET", f"/api/v1/availability/?site={site}&from={day}&to={day}")
        choices = [s["start"] for s in avail.get("slots", [])]
        start = random.choice(choices) if choices else None
        for _attempt in range(MAX_ATTEMPTS):
            if start is None:
                outcome = "409"
                break
            status, body, headers = client.call(
                "POST", "/api/v1/holds/", {"site": site, "start": start}
            )
            if status == 201:
                status, body, headers = client.call(
                    "POST",
                    "/api/v1/bookings/",
                    {"hold": body["id"]},
                    {"Idempotency-Key": secrets.token_hex(8)},
                )
                if status == 201:
                    outcome = "booked"
                    break
            if status == 409:
                offered = [
                    (a["site"], a["start"])
                    for a in body.get("alternatives", [])
                    if a["site"] in sites
                ]
                site, start = random.choice(offered) if offered else (site, None)
                continue
            if status == 429:
                outcome = "429"
                time.sleep(min(float(headers.get("Retry-After", "1")), 2))
                continue
            outcome = f"http {status}"
            break
    except Exception as exc:  # counted, never hidden
        outcome = f"client error {type(exc).__name__}"
    finally:
        client.conn.close()
    journey = time.perf_counter() - journey_started
    with lock:
        results.append((outcome, client, journey))


class AsyncClient:
    """One resident's keep-alive HTTP/1.1 connection over asyncio streams: the same requests,
    headers and timing as Client, at a fraction of a thread's cost."""

    def __init__(self, base: str, session: str, csrf: str) -> None:
        url = urlparse(base)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.head = (
            f"Host: {self.host}:{self.port}\r\nCookie: sessionid={session}; csrftoken={csrf}\r\n"
            f"X-CSRFToken: {csrf}\r\nAccept: application/json\r\n"
        )
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self.timings: list[float] = []
        self.kinds: list[str] = []
        self.statuses: Counter[int] = Counter()

    async def call(
        self, method: str, path: str, body: dict | None = None, extra: dict | None = None
    ) -> tuple[int, dict, dict]:
        started = time.perf_counter()
        if self.streams is None:  # opened at the first request, as http.client does
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        raw = json.dumps(body).encode() if body is not None else b""
        lines = "".join(f"{k}: {v}\r\n" for k, v in (extra or {}).items())
        if body is not None:
            lines += f"Content-Type: application/json\r\nContent-Length: {len(raw)}\r\n"
        writer.write(f"{method} {path} HTTP/1.1\r\n{self.head}{lines}\r\n".encode() + raw)
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().title()] = value.strip()
        if headers.get("Transfer-Encoding", "").lower() == "chunked":
            content = b""
            while size := int((await reader.readline()).split(b";")[0], 16):
                content += await reader.readexactly(size)
                await reader.readline()
            await reader.readline()
        else:
            content = await reader.readexactly(int(headers.get("Content-Length", "0")))
        if headers.get("Connection", "").lower() == "close":
            writer.close()
            self.streams = None
        self.timings.append(time.perf_counter() - started)
        self.kinds.append(kind_of(method, path, status))
        self.statuses[status] += 1
        return status, json.loads(content) if content else {}, headers

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()


async def one_resident_async(
    base: str,
    sites: list[int],
    day: dt.date,
    session: tuple[str, str],
    start_gate: asyncio.Event,
    results: list,
) -> None:
    """one_resident's journey, step for step, as a coroutine."""
    client = AsyncClient(base, *session)
    outcome = "error"
    journey_started = 0.0
    try:
        site = random.choice(sites)
        await start_gate.wait()
        journey_started = time.perf_counter()
        _, avail, _ = await client.call(
            "GET", f"/api/v1/availability/?site={site}&from={day}&to={day}"
        )
        choices = [s["start"] for s in avail.get("slots", [])]
        start = random.choice(choices) if choices else None
        for _attempt in range(MAX_ATTEMPTS):
            if start is None:
                outcome = "409"
                break
            status, body, headers = await client.call(
                "POST", "/api/v1/holds/", {"site": site, "start": start}
            )
            if status == 201:
                status, body, headers = await client.call(
                    "POST",
                    "/api/v1/bookings/",
                    {"hold": body["id"]},
                    {"Idempotency-Key": secrets.token_hex(8)},
                )
                if status == 201:
                    outcome = "booked"
                    break
            if status == 409:
                offered = [
                    (a["site"], a["start"])
                    for a in body.get("alternatives", [])
                    if a["site"] in sites
                ]
                site, start = random.choice(offered) if offered else (site, None)
                continue
            if status == 429:
                outcome = "429"
                await asyncio.sleep(min(float(headers.get("Retry-After", "1")), 2))
                continue
            outcome = f"http {status}"
            break
    except Exception as exc:  # counted, never hidden
        outcome = f"client error {type(exc).__name__}"
    finally:
        client.close()
    journey = time.perf_counter() - journey_started
    results.append((outcome, client, journey))


async def rush_async(base: str, sites: list[int], day: dt.date, sessions: list) -> tuple:
    results: list = []
    gate = asyncio.Event()
    tasks = [
        asyncio.create_task(one_resident_async(base, sites, day, s, gate, results))
        for s in sessions
    ]
    await asyncio.sleep(0)  # every resident waits at the gate
    gate.set()
    started = time.perf_counter()
    _done, pending = await asyncio.wait(tasks, timeout=TIME_LIMIT)
    for task in pending:  # bounded in time: the late ones are cancelled and not counted
        task.cancel()
    return results, time.perf_counter() - started


def rush_threads(base: str, sites: list[int], day: dt.date, sessions: list) -> tuple:
    results: list = []
    lock = threading.Lock()
    gate = threading.Barrier(len(sessions) + 1)
    threads = [
        threading.Thread(
            target=one_resident, args=(base, sites, day, s, gate, results, lock), daemon=True
        )
        for s in sessions
    ]
    for thread in threads:
        thread.start()
    gate.wait(timeout=60)
    started = time.perf_counter()
    deadline = started + TIME_LIMIT
    for thread in threads:
        thread.join(timeout=max(0.1, deadline - time.perf_counter()))
    return results, time.perf_counter() - started


def sql_checks(sites: list[int], day: dt.date) -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM scheduling_booking"
            " WHERE site_id = ANY(%s) AND status = 'confirmed'",
            [sites],
        )
        booked = cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT count(*) FROM scheduling_booking a JOIN scheduling_booking b
              ON a.nurse_id = b.nurse_id AND a.id < b.id
             WHERE a.site_id = ANY(%s) AND a.status IN ('held', 'confirmed')
               AND b.status IN ('held', 'confirmed')
               AND tstzrange(a.start, a.blocked_until) && tstzrange(b.start, b.blocked_until)
        """,
            [sites],
        )
        overlaps = cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT count(*) FROM scheduling_booking a JOIN scheduling_booking b
              ON a.site_id = b.site_id AND a.room = b.room AND a.id < b.id
             WHERE a.site_id = ANY(%s) AND a.status IN ('held', 'confirmed')
               AND b.status IN ('held', 'confirmed')
               AND tstzrange(a.start, a.blocked_until) && tstzrange(b.start, b.blocked_until)
        """,
            [sites],
        )
        room_overlaps = cursor.fetchone()[0]
    return {"confirmed": booked, "nurse_overlaps": overlaps, "room_overlaps": room_overlaps}


def signed_in_before(sessions: list[tuple[str, str]], minutes: float) -> None:
    """Stamp each session's idle clock as her sign-in's first page did `minutes` before the
    rush: at 09:00 she signed in minutes ago (the seed leaves no stamp, so each first request
    would store one)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from yurikago import security

    # The session's life as that first page set it (this tree's idle clock).
    limit = settings.SESSION_IDLE_MINUTES_RESIDENT * 60
    engine = import_module(settings.SESSION_ENGINE).SessionStore
    every = getattr(security, "stored_every_seconds", lambda _limit: 0)(limit)
    lifetime = limit + security.SEEN_RESOLUTION_SECONDS
    if hasattr(engine, "stamp_seen"):
        lifetime += every
    at = int(time.time() - 60 * minutes)
    for key, _csrf in sessions:
        store = SessionStore(key)
        store[security.SEEN_KEY] = store[security.STARTED_KEY] = at
        store.set_expiry(lifetime)
        store.save()


def sessions_in_cache(sessions: list[tuple[str, str]]) -> None:
    """Load each session through the server's session engine, so that with sessions in the
    shared cache (cached_db) each is there as her sign-in left it: the Redis flush before the
    rush (throttles, cached availability) would otherwise make every first request read her
    session row, which at 09:00, minutes after she signed in, it would not."""
    from importlib import import_module

    from django.conf import settings

    engine = import_module(settings.SESSION_ENGINE).SessionStore
    for key, _csrf in sessions:
        engine(key).load()


def main() -> int:
    api_server.ensure_database()
    api_server.django_setup()
    sites, day, sessions = seed()
    if SIGNED_IN_MINUTES_AGO:
        signed_in_before(sessions, SIGNED_IN_MINUTES_AGO)
    api_server.flush_redis()
    if SIGNED_IN_MINUTES_AGO:
        sessions_in_cache(sessions)
    # Per-user limits stay on; the per-address buckets are off, since every simulated resident
    # comes from 127.0.0.1 (in production they come from 500 addresses).
    env = {"API_RATE_IP": "0", "API_RATE_HOLD_IP": "0", "API_RATE_BOOKING_IP": "0"}
    if VIA_NGINX:
        env["TRUSTED_PROXY_COUNT"] = "1"  # as behind production's nginx
    with (
        api_server.gunicorn(workers=WORKERS, threads=THREADS, **env) as upstream,
        (
            api_server.nginx_in_front(upstream) if VIA_NGINX else contextlib.nullcontext(upstream)
        ) as base,
    ):
        warm_up(base, sites, day)
        web_before, postgres_before = api_server.server_cpu_seconds()
        client_cpu = resource.getrusage(resource.RUSAGE_SELF)
        if CLIENT == "threads":
            results, elapsed = rush_threads(base, sites, day, sessions)
        else:
            results, elapsed = asyncio.run(rush_async(base, sites, day, sessions))
        client_used = _cpu_since(client_cpu)
        web_after, postgres_after = api_server.server_cpu_seconds()
        web_used, postgres_used = web_after - web_before, postgres_after - postgres_before
        server_used = web_used + postgres_used
    api_server.flush_redis()
    outcomes = Counter(outcome for outcome, _, _ in results)
    timings = [t for _, client, _ in results for t in client.timings]
    journeys = [j for _, _, j in results]
    statuses: Counter[int] = Counter()
    by_kind: dict[str, list[float]] = {}
    for _, client, _ in results:
        statuses.update(client.statuses)
        for kind, seconds in zip(client.kinds, client.timings, strict=True):
            by_kind.setdefault(kind, []).append(seconds)
    checks = sql_checks(sites, day)
    places = SITES * NURSES * SLOTS_PER_NURSE
    print(
        f"rush: {CLIENTS} clients ({CLIENT}), {places} places at {SITES} site(s), gunicorn "
        f"{WORKERS} workers × {THREADS} threads{' behind nginx' if VIA_NGINX else ''}, "
        f"PostgreSQL, load average (1 min) "
        f"{os.getloadavg()[0]:.1f}; signed in {SIGNED_IN_MINUTES_AGO:g} min before"
    )
    print(f"  finished clients {len(results)}/{CLIENTS} in {elapsed:.1f}s")
    print(f"  outcomes {dict(outcomes)}")
    print(f"  HTTP statuses {dict(sorted(statuses.items()))}")
    print(f"  requests {len(timings)}, throughput {len(timings) / elapsed:.0f} req/s")
    print(
        "  latency ms p50 {:.0f}  p95 {:.0f}  p99 {:.0f}  max {:.0f}".format(
            *(1000 * api_server.percentile(timings, p) for p in (50, 95, 99, 100))
        )
    )

    web_label = "gunicorn and nginx" if VIA_NGINX else "gunicorn"

    def per(seconds: float) -> float:
        return 1000 * seconds / max(1, len(timings))

    for kind in ("availability", "hold", "booking", "refused hold"):
        values = by_kind.get(kind, [])
        print(
            f"    {kind:<13} {len(values):>4}: p50 {{:.0f}}  p95 {{:.0f}}  max {{:.0f}}".format(
                *(1000 * api_server.percentile(values, p) for p in (50, 95, 100))
            )
        )
    print(
        "  journey ms (availability to booked or refused) p50 {:.0f}  p95 {:.0f}  p99 {:.0f}  "
        "max {:.0f}".format(*(1000 * api_server.percentile(journeys, p) for p in (50, 95, 99, 100)))
    )
    print(
        f"  CPU s: server {server_used:.1f} ({web_label} {web_used:.1f}, PostgreSQL "
        f"{postgres_used:.1f}), client {client_used:.1f} ({per(server_used):.1f} ms of server"
        f" CPU a request: {per(web_used):.1f} + {per(postgres_used):.1f})"
    )
    print(
        f"  SQL: confirmed {checks['confirmed']}, nurse overlaps {checks['nurse_overlaps']}, "
        f"room overlaps {checks['room_overlaps']}"
    )
    ok = (
        checks["confirmed"] == places
        and checks["nurse_overlaps"] == 0
        and checks["room_overlaps"] == 0
        and len(results) == CLIENTS
        and not any(code >= 500 for code in statuses)
        and set(outcomes) <= {"booked", "409", "429"}
    )
    print("  RESULT", "ok" if ok else "FAILED")
    return 0 if ok else 1


def warm_up(base: str, sites: list[int], day: dt.date) -> None:
    """At 09:00 the servers have been up for hours: every worker thread has its database
    connection and has answered before. Anonymous availability reads of the day after, as many
    at once as the server has threads (three rounds), so the rush measures serving, not start-up.
    Nothing of the rush's day is cached by them."""
    import concurrent.futures
    import urllib.request

    later = day + dt.timedelta(days=1)
    url = (
        f"{base}/api/v1/availability/?municipality=rush-bench&site={sites[0]}"
        f"&from={later}&to={later}"
    )
    width = WORKERS * THREADS
    with concurrent.futures.ThreadPoolExecutor(width) as pool:
        for _ in range(3):
            list(pool.map(lambda _: urllib.request.urlopen(url, timeout=30).read(), range(width)))


def _cpu_since(before: resource.struct_rusage) -> float:
    now = resource.getrusage(resource.RUSAGE_SELF)
    return now.ru_utime + now.ru_stime - before.ru_utime - before.ru_stime


def both_variants() -> int:
    """`make bench` sets no RUSH_SITES: run the one-site rush, the 12-site variant and, where
    nginx is installed, the one-site rush behind production's nginx, each in its own process
    (the variant is read at import), and fail if any fails."""
    import shutil
    import subprocess

    variants = [{"RUSH_SITES": "1"}, {"RUSH_SITES": "12"}]
    if shutil.which("nginx") or Path("/usr/sbin/nginx").exists():
        variants.append({"RUSH_SITES": "1", "RUSH_VIA_NGINX": "1"})
    else:
        print("rush behind nginx: skipped, nginx is not installed (apt-get install nginx-light)")
    codes = [
        subprocess.run([sys.executable, __file__], env={**os.environ, **v}, check=False).returncode
        for v in variants
    ]
    return max(codes)


if __name__ == "__main__":
    sys.exit(main() if "RUSH_SITES" in os.environ else both_variants())

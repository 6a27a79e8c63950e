"""Availability throughput: one site's month of open slots through GET /api/v1/availability/,
side by side with /bench/ceiling (a small JSON object and one indexed query through the same
middleware) on the same gunicorn, in the same run. Target (issue 19): availability at ≥ 70 % of
the ceiling in every round.

Rounds alternate the two (A then C, then C then A, ...), so both share the load of the moment;
each round prints req/s, p99, the server's CPU per request (gunicorn and its PostgreSQL
backends, from /proc) and the load average. Redis's CPU (the availability path's cache reads)
is printed beside it: the Redis server is shared with other users of the machine, so it is an
upper bound.

Run by hand: `.venv/bin/python bench/bench_api_availability.py` (BENCH_DATABASE_URL,
BENCH_REDIS_URL as in api_server.py; AVAIL_ROUNDS, AVAIL_SECONDS, AVAIL_CONNECTIONS,
AVAIL_WORKERS; AVAIL_SIGNED_IN=1: both lines as a signed-in resident of the municipality, by
session cookie, naming no municipality, as the rush's residents read). Uses wrk when
installed (`apt-get install wrk`), else a threaded Python client
(which shares the CPU with the server and reads lower).
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import api_server

SECONDS = int(os.getenv("AVAIL_SECONDS", "10"))
CONNECTIONS = int(os.getenv("AVAIL_CONNECTIONS", "16"))
WORKERS = int(os.getenv("AVAIL_WORKERS", "2"))
ROUNDS = int(os.getenv("AVAIL_ROUNDS", "3"))
SIGNED_IN = os.getenv("AVAIL_SIGNED_IN", "0") == "1"
HEADERS: dict[str, str] = {}  # the session cookie when SIGNED_IN
TARGET = 0.70

Measured = tuple[int, float]  # requests, p99 in ms


def seed() -> tuple[int, dt.date, dt.date]:
    from scheduling import demo  # the 12 Katsushika sites with nurses and rules

    demo.seed()
    from scheduling.models import Site

    site = (
        Site.objects.filter(municipality__code="katsushika").order_by("ordering_key", "id").first()
    )
    today = dt.date.today()
    if SIGNED_IN:
        HEADERS["Cookie"] = f"sessionid={resident_session(site.municipality)}"
    return site.pk, today + dt.timedelta(days=1), today + dt.timedelta(days=30)


def resident_session(municipality: object) -> str:
    """A signed-in resident's session key, as bench_rush.py makes them."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from scheduling.models import Resident, User

    user, _ = User.objects.get_or_create(email="avail-bench@bench.invalid")
    Resident.objects.get_or_create(
        user=user, defaults={"municipality": municipality, "name": "bench resident"}
    )
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def with_wrk(url: str) -> Measured:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{SECONDS}s",
            "--latency",
            *(arg for name, value in HEADERS.items() for arg in ("-H", f"{name}: {value}")),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=SECONDS + 30,
    ).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{non2xx.group(1)} non-2xx responses from {url}")
    return requests, float(p99.group(1)) * scale


def with_threads(url: str) -> Measured:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    path = parsed.path + ("?" + parsed.query if parsed.query else "")
    timings: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def run() -> None:
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn.request("GET", path, headers=HEADERS)
            response = conn.getresponse()
            response.read()
            assert response.status == 200, response.status
            mine.append(time.perf_counter() - started)
        with lock:
            timings.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(timings), 1000 * api_server.percentile(timings, 99)


def redis_cpu_seconds() -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if not (entry / "cmdline").read_bytes().startswith(b"redis-server"):
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def generation() -> int:
    """The availability cache's generation: if it moved during a line, the process copies were
    ended by a write (someone else's, on this Redis database) and the line measured misses."""
    from scheduling.availability.cache import generation_and

    return generation_and()[0]


def redis_round_trip_ms() -> float:
    """Median of 20 PINGs from here: how busy the shared Redis server is just now."""
    import redis as redis_client

    conn = redis_client.Redis.from_url(api_server.REDIS_URL)
    times = []
    for _ in range(20):
        started = time.perf_counter()
        conn.ping()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def one(measure: Callable[[str], Measured], url: str) -> dict[str, float]:
    load, moved = os.getloadavg()[0], generation()
    server, redis, wall = api_server.process_cpu_seconds(), redis_cpu_seconds(), time.monotonic()
    requests, p99 = measure(url)
    wall = time.monotonic() - wall
    server = api_server.process_cpu_seconds() - server
    redis = redis_cpu_seconds() - redis
    return {
        "rps": requests / SECONDS,
        "p99": p99,
        "cpu_us": 1e6 * server / max(requests, 1),
        "redis_us": 1e6 * redis / max(requests, 1),
        "load": load,
        "wall": wall,
        "moved": generation() - moved,
        "ping_ms": redis_round_trip_ms(),
    }


def line(name: str, m: dict[str, float]) -> str:
    return (
        f"    {name:<12} {m['rps']:6.0f} req/s  p99 {m['p99']:5.0f} ms  "
        f"server CPU {m['cpu_us']:5.0f} µs/req  redis {m['redis_us']:4.0f} µs/req  "
        f"(load {m['load']:.1f}, redis ping {m['ping_ms']:.2f} ms, "
        f"generation moved {m['moved']:.0f})"
    )


def main() -> int:
    api_server.ensure_database()
    api_server.django_setup()
    site, first, last = seed()
    measure = with_wrk if shutil.which("wrk") else with_threads
    tool = "wrk -t2" if measure is with_wrk else "python threads"
    env = {"API_RATE_IP": "0", "API_RATE_USER": "0"}
    ratios: list[float] = []
    with api_server.gunicorn(workers=WORKERS, threads=1, **env) as base:
        availability = f"{base}/api/v1/availability/?site={site}&from={first}&to={last}"
        ceiling = f"{base}/bench/ceiling?site={site}"
        import urllib.request

        for _ in range(4 * WORKERS):  # every worker's connections, imports and copies warm
            body = urllib.request.urlopen(
                urllib.request.Request(availability, headers=HEADERS)
            ).read()
            urllib.request.urlopen(urllib.request.Request(ceiling, headers=HEADERS)).read()
        slots = body.count(b'"start"')
        print(
            f"availability: gunicorn {WORKERS} sync workers, {CONNECTIONS} connections, "
            f"{SECONDS}s each, {tool}, PostgreSQL, {ROUNDS} alternating rounds"
            + (", as a signed-in resident" if SIGNED_IN else ", anonymous")
        )
        print(
            f"  GET /api/v1/availability/ (one site, 30 days, {slots} slots, {len(body)} bytes) "
            "beside the ceiling (small JSON + one indexed query, same middleware)"
        )
        for n in range(ROUNDS):
            order = [("availability", availability), ("ceiling", ceiling)]
            if n % 2:
                order.reverse()
            results = {name: one(measure, url) for name, url in order}
            ratio = results["availability"]["rps"] / results["ceiling"]["rps"]
            ratios.append(ratio)
            print(f"  round {n + 1}: availability at {100 * ratio:.0f}% of the ceiling")
            for name, _url in order:
                print(line(name, results[name]))
    low, mid = min(ratios), statistics.median(ratios)
    verdict = "met" if low >= TARGET else "NOT met"
    print(
        f"  availability at {100 * low:.0f}–{100 * max(ratios):.0f}% of the ceiling "
        f"(median {100 * mid:.0f}%): target ≥{100 * TARGET:.0f}% in every round {verdict}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Availability throughput: one site's month of open slots through GET /api/v1/availability/,
side by side with /bench/ceiling (a small JSON object and one indexed query) on the same
gunicorn, in the same run. Target: availability at ≥50% of the ceiling.

Run by hand: `.venv/bin/python bench/bench_api_availability.py`. Uses wrk when installed
(`apt-get install wrk`), else a threaded Python client (which shares the CPU and reads lower).
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import api_server

SECONDS = int(os.getenv("AVAIL_SECONDS", "10"))
CONNECTIONS = int(os.getenv("AVAIL_CONNECTIONS", "16"))
WORKERS = int(os.getenv("AVAIL_WORKERS", "2"))


def seed() -> tuple[int, dt.date, dt.date]:
    from scheduling import demo  # the 12 Katsushika sites with nurses and rules

    demo.seed()
    from scheduling.models import Site

    site = (
        Site.objects.filter(municipality__code="katsushika").order_by("ordering_key", "id").first()
    )
    today = dt.date.today()
    return site.pk, today + dt.timedelta(days=1), today + dt.timedelta(days=30)


def with_wrk(url: str) -> tuple[float, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", url],
        capture_output=True,
        text=True,
        timeout=SECONDS + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{non2xx.group(1)} non-2xx responses from {url}")
    return rps, float(p99.group(1)) * scale


def with_threads(url: str) -> tuple[float, float]:
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
            conn.request("GET", path)
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
    return len(timings) / SECONDS, 1000 * api_server.percentile(timings, 99)


def main() -> int:
    api_server.ensure_database()
    api_server.django_setup()
    site, first, last = seed()
    measure = with_wrk if shutil.which("wrk") else with_threads
    env = {"API_RATE_IP": "0", "API_RATE_USER": "0"}
    with api_server.gunicorn(workers=WORKERS, threads=1, **env) as base:
        availability = f"{base}/api/v1/availability/?site={site}&from={first}&to={last}"
        ceiling = f"{base}/bench/ceiling?site={site}"
        import urllib.request

        body = urllib.request.urlopen(availability).read()  # also warms the workers
        urllib.request.urlopen(ceiling).read()
        slots = body.count(b'"start"')
        avail_rps, avail_p99 = measure(availability)
        ceil_rps, ceil_p99 = measure(ceiling)
    tool = "wrk" if measure is with_wrk else "python threads"
    print(
        f"availability: gunicorn {WORKERS} sync workers, {CONNECTIONS} connections, "
        f"{SECONDS}s each, {tool}, PostgreSQL"
    )
    print(
        f"  GET /api/v1/availability/ (one site, 30 days, {slots} slots, {len(body)} bytes): "
        f"{avail_rps:.0f} req/s, p99 {avail_p99:.0f} ms"
    )
    print(
        f"  ceiling (small JSON + one indexed query): {ceil_rps:.0f} req/s, p99 {ceil_p99:.0f} ms"
    )
    share = avail_rps / ceil_rps
    print(f"  availability at {100 * share:.0f}% of the ceiling (target ≥50%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Resident pages: server time per page with the demo data, and what a phone downloads.

Run: .venv/bin/python bench/bench_pages.py   (a throwaway SQLite database under var/)

- server time: each page requested through Django's full stack in-process (middleware, view,
  template), median and 90th percentile of RUNS requests after a warm-up; target < 50 ms;
- bytes: the first booking page (and the calendar page, the heaviest) as a phone fetches them:
  HTML + CSS + JS, gzip-compressed; target < 60 KB; and no resource from a third-party host.
"""

from __future__ import annotations

import gzip
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.getenv("BENCH_RUNS", "40"))
TARGET_MS = 50
TARGET_KB = 60


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    (ROOT / "var").mkdir(exist_ok=True)
    db = tempfile.NamedTemporaryFile(
        prefix="bench_pages_", suffix=".sqlite3", dir=ROOT / "var", delete=False
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


def timed(client, url: str) -> list[float]:  # type: ignore[no-untyped-def]
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    return samples


def resources(html: str) -> list[str]:
    """URLs the browser fetches by itself: stylesheets, scripts, images (not plain links)."""
    found = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    found += re.findall(r'<script[^>]+src="([^"]+)"', html)
    found += re.findall(r'<img[^>]+src="([^"]+)"', html)
    return found


def page_bytes(client, url: str) -> tuple[int, int, list[str]]:  # type: ignore[no-untyped-def]
    from django.contrib.staticfiles import finders

    html = client.get(url).content
    raw, compressed, third_party = len(html), len(gzip.compress(html)), []
    for ref in resources(html.decode()):
        if re.match(r"^(https?:)?//", ref):
            third_party.append(ref)
            continue
        path = finders.find(ref.split("/static/", 1)[1])
        data = Path(path).read_bytes()
        raw += len(data)
        compressed += len(gzip.compress(data))
    return raw, compressed, third_party


def main() -> None:
    setup()
    import datetime as dt

    from django.test import Client
    from django.utils import timezone

    from scheduling.models import Site

    client = Client(HTTP_ACCEPT_LANGUAGE="ja", HTTP_HOST="127.0.0.1")
    site = Site.objects.filter(municipality__code="katsushika").order_by("ordering_key").first()
    day = timezone.localdate() + dt.timedelta(days=7)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    pages = [
        ("landing", "/"),
        ("where (12 sites, first free time each)", "/book/"),
        ("month, one site", f"/book/calendar/?site={site.code}"),
        ("month, all sites", "/book/calendar/?site=any"),
        ("day, one site", f"/book/day/{day}/?site={site.code}"),
        ("day, all sites", f"/book/day/{day}/?site=any"),
        ("day, times only (htmx)", f"/book/day/{day}/?site={site.code}"),
    ]
    print(f"Resident pages, {RUNS} requests each, demo data (12 sites, 16 nurses)")
    print(f"{'page':42} {'median ms':>10} {'p90 ms':>8}")
    worst = 0.0
    for name, url in pages:
        if "htmx" in name:
            client.defaults["HTTP_HX_REQUEST"] = "true"
        samples = timed(client, url)
        client.defaults.pop("HTTP_HX_REQUEST", None)
        median = statistics.median(samples)
        p90 = statistics.quantiles(samples, n=10)[-1]
        worst = max(worst, median)
        print(f"{name:42} {median:10.1f} {p90:8.1f}")
    print(
        f"slowest median {worst:.1f} ms (target < {TARGET_MS} ms): "
        f"{'OK' if worst < TARGET_MS else 'OVER'}"
    )
    print()
    for name, url in [
        ("first booking page (landing)", "/"),
        ("calendar page (with htmx)", f"/book/calendar/?site={site.code}"),
    ]:
        raw, compressed, third = page_bytes(client, url)
        print(
            f"{name}: {raw / 1024:.1f} KB raw, {compressed / 1024:.1f} KB gzip "
            f"(target < {TARGET_KB} KB); third-party resources: {third or 'none'}"
        )


if __name__ == "__main__":
    main()

"""Shared by the API benchmarks: a PostgreSQL database of their own, a seeded world, and gunicorn
on 127.0.0.1 (an ephemeral port) serving the real app plus one trivial "ceiling" view.

Run by hand; never part of the test suite. Needs PostgreSQL (BENCH_DATABASE_URL, default a
database `bench_api` on 127.0.0.1) and, optionally, Redis (BENCH_REDIS_URL, default DB 7) so the
throttle counters and task queue are shared by the gunicorn workers as in production.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.getenv("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_api")
REDIS_URL = os.getenv("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
SECRET = "bench-only-not-secret"
# The process group of the gunicorn started last (its master and workers), for their CPU time.
_server_group: int | None = None
# The process group of the nginx in front of it, if any (nginx_in_front): its CPU is the web's.
_nginx_group: int | None = None


def server_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": DATABASE_URL,
            "SECRET_KEY": SECRET,
            "DEBUG": "False",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "yurikago.settings",
            "GUNICORN_ACCESS_LOG": "",
            "SMS_BACKEND": "console",
            "EMAIL_BACKEND_KIND": "locmem",
            # No recycling during a run: a worker that exits takes its CPU time with it, and
            # the server's CPU a request came out negative (bench_api_availability, 15,000
            # requests a round against max_requests 5,000).
            "GUNICORN_MAX_REQUESTS": "0",
        }
    )
    if REDIS_URL:
        env["REDIS_URL"] = REDIS_URL
    env.update(extra)
    return env


def ensure_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def django_setup() -> None:
    os.environ.update(
        {
            k: v
            for k, v in server_env().items()
            if k
            in (
                "DATABASE_URL",
                "SECRET_KEY",
                "DEBUG",
                "DJANGO_SETTINGS_MODULE",
                "REDIS_URL",
                "LOG_LEVEL",
                "ALLOWED_HOSTS",
            )
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(workers: int = 2, threads: int = 4, **env: str) -> Iterator[str]:
    port = free_port()
    # Its log goes to a file: a pipe nobody reads fills (64 KB of "Conflict" warnings in a rush)
    # and then blocks every worker that writes to it.
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "yurikago/gunicorn_conf.py", "bench.api_wsgi"],
        cwd=ROOT,
        env=server_env(
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS=str(workers),
            GUNICORN_THREADS=str(threads),
            **env,
        ),
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    global _server_group
    _server_group = proc.pid
    try:
        _wait_until_up(base, proc, "gunicorn", lambda: (log.seek(0), log.read().decode())[1])
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _wait_until_up(base: str, proc: subprocess.Popen, name: str, log: Callable[[], str]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
            return
        except Exception:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start: " + log()[-2000:]) from None
            time.sleep(0.3)


@contextlib.contextmanager
def nginx_in_front(upstream: str) -> Iterator[str]:
    """deploy/nginx/yurikago.conf in front of `upstream` (a gunicorn above), as production runs
    it and as the production smoke test starts it (tests/deploy/stack.py), but plain HTTP on the
    HTTPS server's port (the client's TLS would take the two cores from the server) and room for
    the rush's connections. Its CPU counts with the server's (process_cpu_seconds)."""
    from tests.deploy.stack import nginx_main_config, nginx_site

    global _nginx_group
    front = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-nginx-") as tmp:
        site = nginx_site(
            https_port=front,
            http_port=free_port(),
            upstream_port=int(upstream.rsplit(":", 1)[1]),
            tmp=Path(tmp),
        )
        site = site.replace(f"listen 127.0.0.1:{front} ssl http2;", f"listen 127.0.0.1:{front};")
        site = re.sub(r"^\s*ssl_.*\n", "", site, flags=re.M)
        conf = nginx_main_config(Path(tmp), site, worker_connections=4096)
        proc = subprocess.Popen(
            [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _nginx_group = proc.pid
        base = f"http://127.0.0.1:{front}"
        error_log = Path(tmp) / "nginx-error.log"
        try:
            _wait_until_up(
                base, proc, "nginx", lambda: error_log.read_text() if error_log.exists() else ""
            )
            yield base
        finally:
            _nginx_group = None
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)


def process_cpu_seconds() -> float:
    """CPU seconds used so far by the gunicorn started last (master and workers) and by the
    PostgreSQL backends serving this benchmark's database: the server side of a run, read from
    /proc (Linux). A backend that exits takes its CPU time with it, so take the difference
    while the server is up (Django keeps its connections for CONN_MAX_AGE)."""
    return sum(server_cpu_seconds())


def server_cpu_seconds() -> tuple[float, float]:
    """process_cpu_seconds in its two parts: (gunicorn with any nginx in front, PostgreSQL)."""
    database = DATABASE_URL.rsplit("/", 1)[1]
    tick = os.sysconf("SC_CLK_TCK")
    web = postgres = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        used = int(fields[11]) + int(fields[12])  # utime, stime
        if int(fields[2]) in (_server_group, _nginx_group):
            web += used
        elif cmdline.startswith("postgres: ") and f" {database} " in cmdline:
            postgres += used
    return web / tick, postgres / tick


def flush_redis() -> None:
    if not REDIS_URL:
        return
    with contextlib.suppress(Exception):
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

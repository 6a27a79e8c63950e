"""gunicorn settings: `gunicorn -c yurikago/gunicorn_conf.py yurikago.wsgi`.

Every value can be overridden from the environment (GUNICORN_*), so one file serves a laptop, a
benchmark on 127.0.0.1 and a production host behind a reverse proxy.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

from gunicorn import glogging

from scheduling.calendars.redact import redact

bind = os.getenv("GUNICORN_BIND", "127.0.0.1:8000")
# 2 per core plus one: while one worker waits on PostgreSQL or Redis, another has the core.
workers = int(os.getenv("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
# One thread a worker (gunicorn's sync worker) by default, behind nginx, which buffers slow
# clients and opens a connection per request. An idle worker is the one that accepts the next
# request, so a burst spreads over the workers as each comes free. The threaded worker accepted
# every connection it could and queued its requests behind its own threads: at 09:00 one worker
# held twice the connections of another (242 / 166 / 116 of 500 in the rush), its residents
# waited the longest, and its four threads shared one GIL. In the 500-resident rush, 5 sync
# workers against 3 × 4 threads: p95 1.6–2.1 s against 2.0–2.4 s, and less CPU a request
# (bench/README.md, issue 19). No request waits on another service: calendar fetches, webhooks
# and messages run in Celery. What a sync worker does hold is a request that sleeps: a sign-in
# code's answer waits LOGIN_CODE_MIN_MS (400 ms) whether a code was sent or not, and holds its
# worker meanwhile. Where many residents ask for codes at once, GUNICORN_THREADS=4 gives each
# worker four threads (each with its own database connection).
threads = int(os.getenv("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# Threaded too, a worker takes a connection only while one of its threads is free (and closes
# it after the answer, as the sync worker does): gunicorn's default let it take a thousand.
# 3 workers × 4 threads so capped: rush p95 1.53–1.55 s, against 1.36–1.37 s for 5 sync workers
# and 2.1–2.4 s uncapped.
worker_connections = int(os.getenv("GUNICORN_WORKER_CONNECTIONS", str(threads)))
# A request that runs this long is stuck; the worker is replaced rather than held forever.
timeout = int(os.getenv("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.getenv("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Kept-alive connections count against worker_connections; with one a thread there is no room.
keepalive = int(os.getenv("GUNICORN_KEEPALIVE", "5" if worker_connections > threads else "0"))
# Recycle workers now and then so a slow leak never becomes an outage (jitter: not all at once).
max_requests = int(os.getenv("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.getenv("GUNICORN_MAX_REQUESTS_JITTER", "500"))
backlog = int(os.getenv("GUNICORN_BACKLOG", "2048"))
# Load the app before forking: faster worker start, shared memory; connections open per worker.
preload_app = os.getenv("GUNICORN_PRELOAD", "True") == "True"
# The reverse proxy in front sets X-Forwarded-*; trust it only from these addresses.
forwarded_allow_ips = os.getenv("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.getenv("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.getenv("GUNICORN_LOG_LEVEL", "info")
# Query strings can carry dates and ids but never personal data; still, log the path only.
# Feed tokens in paths are redacted by the logger class below.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'


class _Logger(glogging.Logger):
    """gunicorn's logger with feed tokens taken out of every access-log field (path, request
    line, raw URI, referer): a feed address is the key to a nurse's interviews."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}


logger_class = _Logger


def when_ready(server: Any) -> None:
    """In the master, with the application preloaded: load the URL modules and translation
    catalogs once, before the workers are forked (yurikago.warm)."""
    if server.cfg.preload_app:
        from yurikago.warm import warm_process

        warm_process()


def post_worker_init(worker: Any) -> None:
    """In each worker, before it accepts a connection: inherited from the master when preloaded
    (then this costs nothing), loaded here when not."""
    from yurikago.warm import warm_process

    warm_process()

"""Where one rush request spends its time outside the booking service: the whole Django stack
(middleware, session auth, DRF parsing and negotiation, throttles, the idempotency key,
serialisers) for each kind of request of bench_rush.py, in process, through Django's test client
with CSRF enforced and the same settings as the rush's gunicorn (PostgreSQL, Redis).

Run by hand: `.venv/bin/python bench/api_rush_profile.py [--profile] [--rounds N]`, with
BENCH_DATABASE_URL / BENCH_REDIS_URL as for bench_rush.py (it seeds the same world and wipes
that municipality's bookings). Prints, per kind of request, the median wall and CPU time, the
queries with their SQL, and with --profile a cProfile summary by caller module.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("RUSH_CLIENTS", "120")
os.environ.setdefault("RUSH_SITES", "1")
from bench import api_server, bench_rush

KINDS = ("availability", "hold", "booking", "refused hold")
# Own time grouped by where the code lives, most specific first.
GROUPS = (
    ("booking service", ("scheduling/booking_", "scheduling/services", "scheduling/availability")),
    ("outbox", ("notifications/",)),
    ("access", ("scheduling/access",)),
    ("our API", ("/work/main/api/",)),
    ("our middleware", ("/work/main/yurikago/",)),
    ("scheduling, other", ("/work/main/scheduling/",)),
    ("DRF", ("rest_framework/",)),
    ("ORM and SQL", ("django/db/",)),
    ("sessions and auth", ("django/contrib/sessions", "django/contrib/auth", "allauth/")),
    ("signing", ("django/core/signing",)),
    ("Django handler, middleware", ("django/core/handlers", "django/middleware", "django/http")),
    ("Django other", ("django/",)),
    ("psycopg", ("psycopg",)),
    ("redis", ("redis/",)),
    ("json", ("json/",)),
    ("logging", ("logging/",)),
)


# Call sites on a rush request's path, timed with everything they call (cumulative).
CALL_SITES = (
    ("session and user (auth middleware)", "contrib/auth/__init__.py", "get_user"),
    ("rate limits", "rest_framework/views.py", "check_throttles"),
    ("her scope (scope_for)", "scheduling/access_scope.py", "scope_for"),
    (
        "the site (access_site_for_booking)",
        "scheduling/access_bookings.py",
        "access_site_for_booking",
    ),
    ("the hold (access_api_hold)", "scheduling/access_bookings.py", "access_api_hold"),
    ("interview type", "scheduling/selectors.py", "interview_type_default"),
    ("her pregnancy", "scheduling/selectors.py", "pregnancy_current"),
    ("Idempotency-Key", "api/idempotency.py", "run_once"),
    ("booking_hold (service)", "scheduling/services.py", "booking_hold"),
    ("booking_confirm (service)", "scheduling/services.py", "booking_confirm"),
    ("answer serialised", "rest_framework/serializers.py", "data"),
    ("problem answer", "api/exceptions.py", "problem_details_handler"),
    ("DRF dispatch (all of the view)", "rest_framework/views.py", "dispatch"),
    ("whole request", "django/core/handlers/wsgi.py", "__call__"),
)


def call_sites(stats: pstats.Stats, calls: int) -> list[tuple[str, float]]:
    out = []
    for label, path, function in CALL_SITES:
        cumulative = 0.0
        for (filename, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
            if name == function and filename.endswith(path):
                cumulative = max(cumulative, row[3])
        if cumulative:
            out.append((label, 1000 * cumulative / calls))
    return out


def grouped(stats: pstats.Stats, calls: int) -> list[tuple[str, float]]:
    totals: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        group = next(
            (name for name, parts in GROUPS if any(part in filename for part in parts)),
            "Python and the rest",
        )
        totals[group] += tottime
    return sorted(((g, 1000 * t / calls) for g, t in totals.items()), key=lambda x: -x[1])


class WsgiClient:
    """Calls the WSGI application as gunicorn does (no test client, no signals), with her
    session and CSRF cookies."""

    def __init__(self, session: tuple[str, str]) -> None:
        from django.core.handlers.wsgi import WSGIHandler

        self.app = WSGIHandler()
        self.cookie = f"sessionid={session[0]}; csrftoken={session[1]}"
        self.csrf = session[1]

    def call(self, method: str, path: str, body: dict | None = None, **headers: str):  # type: ignore[no-untyped-def]
        import io
        import json

        path, _, query = path.partition("?")
        raw = json.dumps(body).encode() if body is not None else b""
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": self.cookie,
            "HTTP_X_CSRFTOKEN": self.csrf,
            "HTTP_ACCEPT": "application/json",
            "CONTENT_TYPE": "application/json" if body is not None else "",
            "CONTENT_LENGTH": str(len(raw)),
            "wsgi.input": io.BytesIO(raw),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()},
        }
        status: list[str] = []
        chunks = self.app(environ, lambda s, h, *a: status.append(s))
        content = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        return int(status[0].split()[0]), json.loads(content) if content else {}


def journey(session: tuple[str, str], site: int, day: str, taken: str | None):  # type: ignore[no-untyped-def]
    """One resident's requests as (kind, callable) pairs, so the caller can time each."""
    import secrets

    client = WsgiClient(session)
    state: dict = {}

    def availability() -> int:
        code, data = client.call("GET", f"/api/v1/availability/?site={site}&from={day}&to={day}")
        state["slots"] = [s["start"] for s in data["slots"]]
        return code

    def hold() -> int:
        start = state["slots"][0] if taken is None else taken
        code, data = client.call("POST", "/api/v1/holds/", {"site": site, "start": start})
        state["hold"] = data.get("id")
        state["start"] = start
        return code

    def booking() -> int:
        code, _ = client.call(
            "POST",
            "/api/v1/bookings/",
            {"hold": state["hold"]},
            **{"Idempotency-Key": secrets.token_hex(8)},
        )
        return code

    if taken is None:
        return [("availability", availability), ("hold", hold), ("booking", booking)], state
    return [("availability", availability), ("refused hold", hold)], state


class _ServiceTimes(list):
    queries = 0

    def clear(self) -> None:
        super().clear()
        self.queries = 0


def _time_the_services() -> _ServiceTimes:
    """Wrap the booking services the API calls so each request's CPU time inside them (the
    service's share, alternatives included) can be told from the rest of the stack."""
    import functools

    from django.db import connection

    from scheduling import services

    times = _ServiceTimes()

    def timed(fn):  # type: ignore[no-untyped-def]
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            c0, q0 = time.process_time(), len(connection.queries_log)
            try:
                return fn(*args, **kwargs)
            finally:
                times.append(time.process_time() - c0)
                times.queries += len(connection.queries_log) - q0

        return wrapper

    for name in ("booking_hold", "booking_confirm", "booking_create"):
        setattr(services, name, timed(getattr(services, name)))
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument(
        "--signed-in-minutes-ago",
        type=float,
        default=5,
        help="her session as her sign-in and its first page left it this long before the "
        "rush (the idle clock's stamps); 0: a session no request has stamped yet",
    )
    args = parser.parse_args()
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
    for key, value in {"API_RATE_IP": "0", "API_RATE_HOLD_IP": "0"}.items():
        os.environ[key] = value
    os.environ["API_RATE_BOOKING_IP"] = "0"
    api_server.ensure_database()
    api_server.django_setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    service_time = _time_the_services()
    sites, day, sessions = bench_rush.seed()
    if args.signed_in_minutes_ago:
        bench_rush.signed_in_before(sessions, args.signed_in_minutes_ago)
    api_server.flush_redis()
    site = sites[0]
    wall: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, list[str]] = {}
    in_service: dict[str, list[float]] = defaultdict(list)
    service_queries: dict[str, int] = {}
    profiles = {kind: cProfile.Profile() for kind in KINDS}
    rounds = min(args.rounds, len(sessions) // 2, bench_rush.NURSES * bench_rush.SLOTS_PER_NURSE)
    taken: list[str] = []
    for i in range(rounds):
        for loser in (False, True):
            session = sessions[2 * i + int(loser)]
            # Winners take the earliest start with a place, so once every nurse took the first
            # start it is full: the loser asks for it.
            if loser and len(taken) < bench_rush.NURSES:
                continue
            steps, state = journey(session, site, str(day), taken[0] if loser else None)
            for kind, step in steps:
                service_time.clear()
                with CaptureQueriesContext(connection) as captured:
                    w0, c0 = time.perf_counter(), time.process_time()
                    if args.profile and i > bench_rush.NURSES:
                        profiles[kind].enable()
                    status = step()
                    profiles[kind].disable()
                    c1, w1 = time.process_time(), time.perf_counter()
                expected = {"refused hold": 409, "hold": 201, "booking": 201}.get(kind, 200)
                if status != expected:
                    print(f"{kind}: HTTP {status}, expected {expected}")
                    return 1
                if i > bench_rush.NURSES:  # the first rounds warm caches and connections
                    wall[kind].append(w1 - w0)
                    cpu[kind].append(c1 - c0)
                    in_service[kind].append(sum(service_time))
                    service_queries[kind] = service_time.queries
                queries[kind] = [q["sql"] for q in captured.captured_queries]
            if not loser:
                taken.append(state["start"])
    print(
        f"{rounds - bench_rush.NURSES - 1} rounds after a warm-up, load average "
        f"{os.getloadavg()[0]:.1f}; median wall / CPU ms, queries"
    )
    for kind in KINDS:
        print(
            f"\n{kind}: {1000 * statistics.median(wall[kind]):.2f} ms wall, "
            f"{1000 * statistics.median(cpu[kind]):.2f} ms CPU, {len(queries[kind])} queries; "
            f"of which in the booking service {1000 * statistics.median(in_service[kind]):.2f} "
            f"ms CPU, {service_queries[kind]} queries"
        )
        for sql in queries[kind]:
            print("   ", sql[:150])
        if args.profile:
            stats = pstats.Stats(profiles[kind])
            print("  own time under the profiler, ms per request, by where the code lives:")
            for group, ms in grouped(stats, len(wall[kind])):
                print(f"    {group:28s} {ms:6.2f}")
            print("  call sites, ms per request under the profiler, with what they call:")
            for label, ms in call_sites(stats, len(wall[kind])):
                print(f"    {label:36s} {ms:6.2f}")
            stats.sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())

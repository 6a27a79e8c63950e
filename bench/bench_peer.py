"""Benchmark: ours beside the peer (django-appointment 3.12), measured in the same minutes.

Issue 19's goals were set against the peer measured on another, faster machine. This runs both
here, alternately: the peer's bench (bench/peer/peer_bench.py, in its own virtualenv
var/peer-venv, made once from PyPI by bench/peer/peer_venv.py) and ours (bench_side_by_side.py, as
it is), --runs times each with --rounds interleaved rounds per run, so that both see the same
load. Each process measures its own one-indexed-SELECT ceiling, round by round with its figures,
so each figure is also given × its own ceiling. Then the race of both: --race-threads threads
booking one place at once (the peer's, in its bench; ours, bench/peer/race_ours.py on the
dataset bench_side_by_side.py built, which also gives booking_create's CPU time and statements,
as the peer's bench does for the peer).

Prints one table: each work, the peer's ms and ours (the median over the runs of each run's
median), both × their own ceiling, and ours ÷ peer, in ms and in × ceiling (the second does not
move with the load each process happened to see).

Databases (PostgreSQL on 127.0.0.1, created if missing, wiped): PEER_DATABASE_URL (default
bench_peer) and OURS_DATABASE_URL (default bench_peer_core); ours nudges Celery through Redis
DB 4 (BENCH_BROKER_URL), as bench_side_by_side.py does.

With --sqlite: the slot views only, in-process on SQLite files (var/bench_peer.sqlite3 for the
peer, var/bench_peer_core.sqlite3 for ours), the peer's bench and ours' bench_availability.py
alternately, --runs times each with --rounds calls per work: the figures the issue set the
engine's goal in (one site × 31 days and 12 sites × 1 day, SQLite, in-process). SQLite has no
server to measure a ceiling against, so the table gives ms and CPU, and ours ÷ peer.

Usage: .venv/bin/python bench/bench_peer.py [--runs 3] [--rounds 20] [--race-threads 8]
       [--ours-root DIR]   (DIR: another checkout, e.g. a worktree of a commit, whose
                            bench_side_by_side.py and code are "ours"; default this one)
       .venv/bin/python bench/bench_peer.py --sqlite [--runs 3] [--rounds 30] [--ours-root DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import psycopg

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH / "peer"))

from peer_venv import ensure_venv  # noqa: E402

PEER_URL = os.environ.get("PEER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_peer")
OURS_URL = os.environ.get("OURS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_peer_core")
OURS_LINE = re.compile(r"^  (.+?)\s+([\d.]+)ms\s+([\d.]+)ms\s+([\d.]+)x\s+([\d.]+)x$")
CEILING = "ceiling: one indexed SELECT"

# (row, the peer's work, ours)
PAIRS = [
    ("ceiling: one indexed SELECT", CEILING, CEILING),
    ("booking (peer: its writes only)", "peer booking, core", "booking_create"),
    ("booking (peer: its two views' work)", "peer booking, views", "booking_create"),
    ("booking (peer: views + its e-mail)", "peer booking, views + e-mail", "booking_create"),
    (
        "slots: 1 staff / 1 site x 31 days",
        "peer slots 1 staff x 31 days",
        "open_slots 1 site x 31 days",
    ),
    (
        "slots: 24 staff / 12 sites x 1 day",
        "peer slots 24 staff x 1 day",
        "open_slots 12 sites x 1 day",
    ),
]


def _database(url: str) -> str:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.startswith("bench_"):
        sys.exit(f"{url}: the bench databases must be named bench_… (they are wiped)")
    with psycopg.connect(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return url


def _run(cmd: list[str], env: dict[str, str], label: str) -> str:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        sys.exit(f"{label} failed ({done.returncode})")
    print(f"  {label}: {time.perf_counter() - t0:.0f} s", flush=True)
    return done.stdout


def _peer(python: Path, rounds: int, threads: int) -> dict:
    env = {**os.environ, "PEER_DATABASE_URL": PEER_URL}
    out = _run(
        [
            str(python),
            str(BENCH / "peer" / "peer_bench.py"),
            "--rounds",
            str(rounds),
            "--race-threads",
            str(threads),
        ],
        env,
        "peer",
    )
    line = next(x for x in out.splitlines() if x.startswith("PEER_RESULT "))
    return json.loads(line.removeprefix("PEER_RESULT "))


def _ours_bench(ours_root: Path, script: str, args: list[str], env: dict, label: str) -> str:
    """The output of one of ours' benches (bench/<script> of that checkout, in our venv)."""
    python = str(ROOT / ".venv" / "bin" / "python")
    return _run([python, str(ours_root / "bench" / script), *args], env, label)


def _alternate(runs: int, peer: Callable[[], dict], ours: Callable[[], dict]) -> tuple:
    """Each bench `runs` times, alternating which goes first, so that neither always runs in
    the later minutes; (the peer's results, ours')."""
    peer_runs, ours_runs = [], []
    for i in range(runs):
        for who in ("peer", "ours") if i % 2 == 0 else ("ours", "peer"):
            if who == "peer":
                peer_runs.append(peer())
            else:
                ours_runs.append(ours())
    return peer_runs, ours_runs


def _ours(ours_root: Path, rounds: int) -> dict:
    env = {**os.environ, "DATABASE_URL": OURS_URL}
    out = _ours_bench(ours_root, "bench_side_by_side.py", ["--rounds", str(rounds)], env, "ours")
    work = {}
    for line in out.splitlines():
        if m := OURS_LINE.match(line):
            work[m.group(1).strip()] = {"median": float(m.group(2)), "p95": float(m.group(3))}
    load = re.search(r"load average \(1 min\) ([\d.]+)", out)
    return {"work": work, "load": float(load.group(1)) if load else float("nan")}


def _race_ours(ours_root: Path, threads: int, rounds: int) -> dict:
    env = {**os.environ, "DATABASE_URL": OURS_URL, "OURS_ROOT": str(ours_root)}
    out = _run(
        [
            str(ROOT / ".venv" / "bin" / "python"),
            str(BENCH / "peer" / "race_ours.py"),
            "--threads",
            str(threads),
            "--cpu-rounds",
            str(rounds),
        ],
        env,
        "ours, race",
    )
    line = next(x for x in out.splitlines() if x.startswith("OURS_RACE "))
    return json.loads(line.removeprefix("OURS_RACE "))


# bench_availability.py's lines: label, median ms, p95 ms, CPU ms, best CPU ms, queries, slots.
ENGINE_LINE = re.compile(r"^(.+?)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)$")
# (row, the peer's work, ours' bench_availability.py label)
SQLITE_PAIRS = [
    ("slots: 1 staff / 1 site x 31 days", "peer slots 1 staff x 31 days", "one site × 31 days"),
    ("slots: 24 staff / 12 sites x 1 day", "peer slots 24 staff x 1 day", "all 12 sites × 1 day"),
]


def _ours_engine(ours_root: Path, rounds: int, sqlite_file: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["BENCH_SQLITE_PATH"] = str(sqlite_file)
    out = _ours_bench(
        ours_root, "bench_availability.py", ["--runs", str(rounds)], env, "ours (engine, SQLite)"
    )
    work = {}
    for line in out.splitlines():
        if m := ENGINE_LINE.match(line.strip()):
            work[m.group(1).strip()] = {
                "median": float(m.group(2)),
                "cpu": float(m.group(4)),
                "statements": int(m.group(6)),
            }
    load = re.search(r"load average \(1 min\) before measuring: ([\d.]+)", out)
    return {"work": work, "load": float(load.group(1)) if load else float("nan")}


def sqlite_main(args: argparse.Namespace) -> None:
    """The slot views in-process on SQLite, the peer's and ours alternately (see the docstring)."""
    global PEER_URL
    (ROOT / "var").mkdir(exist_ok=True)
    PEER_URL = f"sqlite:///{ROOT / 'var' / 'bench_peer.sqlite3'}"
    ours_file = ROOT / "var" / "bench_peer_core.sqlite3"
    python = ensure_venv()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"== the slot views on SQLite, in-process: {args.runs} x {args.rounds} calls each")
    peer_runs, ours_runs = _alternate(
        args.runs,
        lambda: _peer(python, args.rounds, args.race_threads),
        lambda: _ours_engine(args.ours_root, args.rounds, ours_file),
    )
    ended = time.strftime("%H:%M UTC", time.gmtime())
    loads = [r["load"] for r in peer_runs + ours_runs]
    print(
        f"\n== the slot views on SQLite, in-process, {started}–{ended}: {args.runs} runs x "
        f"{args.rounds} calls each; load average (1 min) {min(loads):.1f}–{max(loads):.1f} on "
        f"{os.cpu_count()} cores"
    )
    print(
        f"  {'work':36} {'peer':>10} {'ours':>9} {'ours/peer':>9} | {'CPU peer':>9} {'ours':>7} "
        f"{'ours/peer':>9} | {'stmts':>7}"
    )
    for row, peer_name, ours_name in SQLITE_PAIRS:
        peer_ms = statistics.median(r["work"][peer_name]["median"] for r in peer_runs)
        ours_ms = statistics.median(r["work"][ours_name]["median"] for r in ours_runs)
        peer_cpu = statistics.median(r["work"][peer_name]["cpu"] for r in peer_runs)
        ours_cpu = statistics.median(r["work"][ours_name]["cpu"] for r in ours_runs)
        peer_n = peer_runs[-1]["work"][peer_name]["statements"]
        ours_n = ours_runs[-1]["work"][ours_name]["statements"]
        print(
            f"  {row:36} {peer_ms:8.2f}ms {ours_ms:7.2f}ms {_ratio(ours_ms / peer_ms):>9} | "
            f"{peer_cpu:7.2f}ms {ours_cpu:5.2f}ms {_ratio(ours_cpu / peer_cpu):>9} | "
            f"{peer_n:>3}/{ours_n:<3}"
        )
    print(
        "  Medians over the runs of each run's median; CPU: the process's (time.process_time). "
        "The issue's goal\n  for the engine: at least 50x faster than the peer (ours/peer ≤ 1/50)."
    )


def _summary(runs: list[dict], name: str) -> tuple[float, float]:
    """(median ms over the runs, median × ceiling over the runs) of one work."""
    ms = statistics.median(r["work"][name]["median"] for r in runs)
    x = statistics.median(r["work"][name]["median"] / r["work"][CEILING]["median"] for r in runs)
    return ms, x


def _ratio(x: float) -> str:
    """0.42 as 0.42x; below 0.1, as 1/N (0.0096 -> 1/104), so small ratios keep their digits."""
    return f"{x:.2f}x" if x >= 0.1 else f"1/{1 / x:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--race-threads", type=int, default=8)
    parser.add_argument("--ours-root", type=Path, default=ROOT)
    parser.add_argument("--sqlite", action="store_true", help="the slot views on SQLite only")
    args = parser.parse_args()
    if args.sqlite:
        sqlite_main(args)
        return
    _database(PEER_URL)
    _database(OURS_URL)
    python = ensure_venv()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(
        f"== ours beside the peer: {args.runs} x {args.rounds} rounds each, alternately; "
        f"ours from {args.ours_root}"
    )
    peer_runs, ours_runs = _alternate(
        args.runs,
        lambda: _peer(python, args.rounds, args.race_threads),
        lambda: _ours(args.ours_root, args.rounds),
    )
    ours_race = _race_ours(args.ours_root, args.race_threads, args.rounds)
    ended = time.strftime("%H:%M UTC", time.gmtime())

    loads = [r["load"] for r in peer_runs + ours_runs]
    print(
        f"\n== ours beside the peer, {started}–{ended}: {args.runs} runs x {args.rounds} "
        f"rounds each; load average (1 min) {min(loads):.1f}–{max(loads):.1f} on "
        f"{os.cpu_count()} cores"
    )
    print(
        f"  {'work':36} {'peer':>10} {'x ceil':>7} {'ours':>9} {'x ceil':>6} {'ours/peer':>9} "
        f"{'(x ceil)':>8} | {'CPU peer':>9} {'ours':>7} {'ours/peer':>9} | {'stmts':>7}"
    )
    ours_cpu = {
        "booking_create": (ours_race["create_cpu"], ours_race["create_statements"]),
        **{name: (c, n) for name, (_w, c, n) in ours_race["slots"].items()},
    }
    for row, peer_name, ours_name in PAIRS:
        peer_ms, peer_x = _summary(peer_runs, peer_name)
        ours_ms, ours_x = _summary(ours_runs, ours_name)
        line = (
            f"  {row:36} {peer_ms:8.2f}ms {peer_x:6.1f}x {ours_ms:7.2f}ms {ours_x:5.1f}x "
            f"{_ratio(ours_ms / peer_ms):>9} {_ratio(ours_x / peer_x):>8}"
        )
        if ours_name in ours_cpu:
            peer_cpu = statistics.median(r["work"][peer_name]["cpu"] for r in peer_runs)
            cpu, n = ours_cpu[ours_name]
            peer_n = peer_runs[-1]["work"][peer_name]["statements"]
            ratio = _ratio(cpu / peer_cpu)
            line += f" | {peer_cpu:7.2f}ms {cpu:5.2f}ms {ratio:>9} | {peer_n:>3}/{n:<3}"
        print(line)
    print(
        "  CPU: the Python process's (time.process_time), median; the database's own work is in "
        "the wall\n  time only. Ours' CPU and statements: bench/peer/race_ours.py, "
        f"{args.rounds} calls each after the runs (booking_create's wall there: "
        f"{ours_race['create_wall']:.2f} ms)."
    )
    peer_race = peer_runs[-1]["race"]
    print(
        f"  race, {args.race_threads} threads booking one place at once: peer "
        f"{peer_race['booked']} of {peer_race['threads']} got through (it checks nothing); "
        f"ours {ours_race['booked']} of {ours_race['threads']} for a place of capacity "
        f"{ours_race['capacity']} ({ours_race['active_rows']} active rows; refusals "
        f"{', '.join(ours_race['refusals']) or 'none'})"
    )


if __name__ == "__main__":
    main()

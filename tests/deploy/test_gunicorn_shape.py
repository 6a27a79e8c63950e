"""The web server's shape as gunicorn itself reads yurikago/gunicorn_conf.py (issue 19).

By default, sync workers: each takes a connection only when it is free, so a 09:00 burst goes
to whichever worker finishes first. With GUNICORN_THREADS, threaded workers capped the same
way (a connection only while a thread is free, none kept alive): gunicorn's own default let a
threaded worker take a thousand connections and queue them behind its four threads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]


def shape(**env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GUNICORN_")}
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "yurikago/gunicorn_conf.py",
            "yurikago.wsgi",
            "--check-config",
            "--print-config",
        ],
        cwd=ROOT,
        env={**clean, "SECRET_KEY": "shape-test", "DATABASE_URL": "sqlite:///:memory:", **env},
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    printed = {}
    for line in done.stdout.splitlines():
        name, _, value = line.partition("=")
        printed[name.strip()] = value.strip()
    return printed


class GunicornShapeTest(SimpleTestCase):
    def test_sync_workers_two_a_core_and_one(self) -> None:
        found = shape(GUNICORN_WORKERS="5")
        self.assertEqual(found["worker_class"], "sync")
        self.assertEqual(found["workers"], "5")
        self.assertEqual(found["preload_app"], "True")

    def test_threaded_workers_take_a_connection_only_while_a_thread_is_free(self) -> None:
        found = shape(GUNICORN_THREADS="4")
        self.assertEqual(found["worker_class"], "gthread")
        self.assertEqual(found["worker_connections"], "4")
        self.assertEqual(found["keepalive"], "0")

    def test_an_operator_may_still_allow_more_connections_and_keep_them_alive(self) -> None:
        found = shape(GUNICORN_THREADS="4", GUNICORN_WORKER_CONNECTIONS="100")
        self.assertEqual(found["worker_connections"], "100")
        self.assertEqual(found["keepalive"], "5")

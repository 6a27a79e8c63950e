"""A gunicorn master with the application preloaded loads the URL modules and every language's
catalogs before it forks (yurikago/warm.py, gunicorn_conf.when_ready): a worker's first request,
after a start or a recycle, no longer imports them while its other threads wait (issue 19).

Each case runs in a new interpreter: this one imported the URLs long ago."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
import django
django.setup()
from django.db import connections
from django.utils.translation import trans_real
from gunicorn.config import Config
import yurikago.gunicorn_conf as conf

cfg = Config()
cfg.set("preload_app", {preload})

class Master:  # what when_ready reads of gunicorn's Arbiter
    pass

master = Master()
master.cfg = cfg
before = "api.urls" in sys.modules
conf.when_ready(master)
print(json.dumps({{
    "urls_before": before,
    "urls_after": "api.urls" in sys.modules and "frontend.urls" in sys.modules,
    "languages": sorted(trans_real._translations),
    "database_connected": any(c.connection is not None for c in connections.all()),
    "redis_imported": "redis" in sys.modules,
}}))
"""


def probe(*, preload: bool) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "yurikago.settings",
        "SECRET_KEY": "warm-test",
        "DATABASE_URL": "sqlite:///:memory:",
        # The shared cache's client is made, never connected: no Redis needs to listen here.
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(preload=preload)],
        cwd=ROOT,
        env=env,
        text=True,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


class PreloadedMasterWarmsBeforeForkingTest(SimpleTestCase):
    def test_urls_and_every_language_loaded_without_a_database_connection(self) -> None:
        from django.conf import settings

        found = probe(preload=True)
        self.assertFalse(found["urls_before"], "the probe's process had the URLs already")
        self.assertTrue(found["urls_after"])
        for code, _name in settings.LANGUAGES:
            self.assertIn(code, found["languages"])
        # A connection opened in the master would be shared by every forked worker.
        self.assertFalse(found["database_connected"])
        # Django imports redis-py on a process's first use of the shared cache.
        self.assertTrue(found["redis_imported"])

    def test_a_master_without_the_application_loads_nothing(self) -> None:
        # Without preload_app the master never imports the application; each worker warms
        # itself in post_worker_init instead.
        found = probe(preload=False)
        self.assertFalse(found["urls_after"])

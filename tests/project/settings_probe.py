"""Read one setting as a fresh process would, from a given environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLEARED = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}


def settings_value(name: str, **env: str) -> str:
    """repr() of settings.<name> in a new interpreter whose environment is ours plus `env`."""
    clean = {k: v for k, v in os.environ.items() if k not in CLEARED}
    clean.update(env)
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'yurikago.settings'; "
        f"from django.conf import settings; print(repr(settings.{name}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()

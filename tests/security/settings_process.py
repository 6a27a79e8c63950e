"""Load the real settings in a fresh Python process with a chosen environment.

Settings are read once per process, so each case starts its own. The variables .env.example
documents are removed from the inherited environment first, and no .env is read unless a test
points ENV_FILE at one, so the developer's own environment never leaks into an answer.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / ".env.example"


def documented_names() -> set[str]:
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.M))


def clean_environment(**env: str) -> dict[str, str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE: the browser tests set it in this process (Playwright's sync API
    # runs an event loop); a production process never has it, and check --deploy refuses it.
    drop = documented_names() | {
        "DJANGO_SETTINGS_MODULE",
        "ENV_FILE",
        "CI",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    clean = {k: v for k, v in os.environ.items() if k not in drop}
    clean["ENV_FILE"] = os.devnull
    clean.update(env)
    return clean


def run_settings(expression: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Print repr(expression) evaluated with `settings` in scope, under exactly `env`."""
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'yurikago.settings'\n"
        "from django.conf import settings\n"
        f"print(repr({expression}))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )


def settings_value(expression: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_settings(expression, clean_environment(**env))

"""Settings come from the environment with safe defaults; mistakes stop the start, loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    clean["ENV_FILE"] = os.devnull  # a developer's own .env must not change the answers
    clean.update(env)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='yurikago.settings'; "
        "from django.conf import settings; "
        "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], "
        "settings.DATABASES['default'].get('OPTIONS', {}).get('transaction_mode'), "
        "settings.TIME_ZONE, settings.LANGUAGE_CODE, settings.USE_TZ)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_a_missing_secret_key_is_an_error_when_debug_is_off() -> None:
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_debug_is_off_and_sqlite_is_immediate_by_default() -> None:
    result = load_settings(SECRET_KEY="x")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "django.db.backends.sqlite3",
        "IMMEDIATE",
        "Asia/Tokyo",
        "ja",
        "True",
    ]


def test_debug_without_a_secret_key_is_allowed_for_development() -> None:
    result = load_settings(DEBUG="True")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True ")


def test_a_boolean_must_be_true_or_false() -> None:
    result = load_settings(DEBUG="yes")
    assert result.returncode != 0
    assert "DEBUG must be True or False" in result.stderr


def test_database_url_switches_to_postgresql() -> None:
    result = load_settings(SECRET_KEY="x", DATABASE_URL="postgres://u@127.0.0.1:5432/db")
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql" in result.stdout


def test_every_variable_read_is_documented_in_env_example() -> None:
    import re

    # A variable with no value is documented commented out: #NAME=
    documented = set(re.findall(r"^#?([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    source = (ROOT / "yurikago" / "settings.py").read_text()
    read = set(
        re.findall(r'(?:getenv|envstr|envbool|envint|envlist|envchoice)\("([A-Z_]+)"', source)
    )
    assert read - documented == set()


def test_sessions_are_cached_only_in_a_cache_every_process_shares() -> None:
    from tests.project.settings_probe import settings_value

    shared = settings_value("SESSION_ENGINE", SECRET_KEY="x", REDIS_URL="redis://127.0.0.1:6379/1")
    assert "cached_db" in shared, shared
    # A cache per process would keep a session another process has signed out.
    alone = settings_value("SESSION_ENGINE", SECRET_KEY="x")
    assert "cached_db" not in alone, alone

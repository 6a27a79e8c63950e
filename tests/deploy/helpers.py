"""Helpers for the deployment tests: the repository's deploy/ folder and PostgreSQL URLs."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def postgres_url(settings_dict: dict[str, Any], name: str | None = None) -> str:
    """A libpq URL (as DATABASE_URL) for Django's connection settings, optionally another db."""
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD") or ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    auth = f"{user}:{password}" if password else user
    return f"postgres://{auth}@{host}:{port}/{name or settings_dict['NAME']}"


def psql(url: str, sql: str) -> str:
    """Run one statement with psql (outside Django's connection) and return its bare output."""
    done = subprocess.run(
        ["psql", "--dbname", url, "--no-psqlrc", "-tAc", sql],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()

"""`make run` for a newcomer: it installs only what the application needs (not the test and lint
tools `make test` installs), and the demo's links follow HOST and PORT."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.deploy.helpers import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def dry_run(*args: str) -> str:
    """What make would run (-n), as if nothing were installed yet (-B)."""
    done = subprocess.run(
        ["make", "-n", "-B", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_run_installs_without_the_dev_tools() -> None:
    syncs = [line for line in dry_run("run").splitlines() if " sync " in line]
    assert syncs and all("--no-dev" in line for line in syncs), syncs


def test_make_test_still_installs_the_dev_tools() -> None:
    syncs = [line for line in dry_run("test").splitlines() if " sync " in line]
    assert syncs and not any("--no-dev" in line for line in syncs), syncs


def test_the_demo_links_follow_host_and_port() -> None:
    commands = [
        line
        for line in dry_run("run", "HOST=127.0.0.2", "PORT=8123").splitlines()
        if "manage.py" in line
    ]
    assert len(commands) >= 4
    for line in commands:
        assert "SITE_ROOT=http://127.0.0.2:8123" in line, line
    assert "runserver 127.0.0.2:8123" in commands[-1]

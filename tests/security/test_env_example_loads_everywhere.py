"""`.env.example` means the same to the settings, to a shell and to systemd (finding 12).

A shell loads it with `set -a; . ./.env.example`; systemd with `EnvironmentFile=`, whose
parser (env-file.c) is the one systemd's environment.d generator uses, so the test runs that
generator on the file: it complains about lines it cannot read and keeps inline comments in
values, which is how the old file broke.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from yurikago.env import parse_env_file

from .settings_process import ENV_EXAMPLE, ROOT, clean_environment, documented_names

GENERATOR = Path("/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator")
SECRET = "tests-only-" + "x" * 50


def ours() -> dict[str, str]:
    return parse_env_file(ENV_EXAMPLE.read_text(encoding="utf-8"), ".env.example")


def test_our_reader_accepts_it_and_documents_every_variable() -> None:
    values = ours()
    assert values["DEBUG"] == "False"
    assert set(values) <= documented_names()


def test_a_shell_loads_it_without_errors_and_gets_the_same_values() -> None:
    script = (
        "set -a; . ./.env.example; set +a; "
        f'"{sys.executable}" -c "import json, os; print(json.dumps(dict(os.environ)))"'
    )
    result = subprocess.run(
        ["sh", "-ec", script],
        cwd=ROOT,
        env=clean_environment(),
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    import json

    loaded = json.loads(result.stdout)
    assert {name: loaded.get(name) for name in ours()} == ours()


def test_systemd_reads_it_without_complaint_and_gets_the_same_values(tmp_path: Path) -> None:
    if not GENERATOR.exists():
        if os.getenv("CI") == "true":
            pytest.fail(f"{GENERATOR} is missing (install systemd)")
        pytest.skip(f"needs systemd's environment.d generator ({GENERATOR})")
    config = tmp_path / "environment.d"
    config.mkdir()
    shutil.copy(ENV_EXAMPLE, config / "50-yurikago.conf")
    result = subprocess.run(
        [str(GENERATOR)],
        env={"XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    loaded = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    loaded = {name: value.strip('"') for name, value in loaded.items()}
    assert {name: loaded.get(name) for name in ours()} == ours()


def test_the_settings_load_from_it() -> None:
    from .settings_process import run_settings

    env = clean_environment(ENV_FILE=str(ENV_EXAMPLE), SECRET_KEY=SECRET)
    result = run_settings("(settings.DEBUG, settings.SECURE_SSL_REDIRECT)", env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(False, True)"

"""`manage.py check --deploy` with the documented production settings prints no warning (10)."""

from __future__ import annotations

import subprocess
import sys

from .settings_process import ENV_EXAMPLE, ROOT, clean_environment

SECRET = "k7Qp2vZr9XwLm4Nc8Tb1Yh6Jd3Fs5Gu0Ae-Ri_Oo2Pl7Ks9Mn4Bv6Cx8Zq1Wt3Ey5"


def test_check_deploy_is_silent_with_the_env_example() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_environment(
            ENV_FILE=str(ENV_EXAMPLE), SECRET_KEY=SECRET, DJANGO_SETTINGS_MODULE="yurikago.settings"
        ),
        text=True,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout

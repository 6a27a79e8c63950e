"""deploy/yurikago.env.example means the same to every reader of /etc/yurikago/yurikago.env:
systemd's EnvironmentFile=, docker's --env-file, a shell's `set -a; .` and the settings' reader."""

from __future__ import annotations

import re
import subprocess

from django.test import SimpleTestCase

from yurikago.env import parse_env_file

from .helpers import DEPLOY, ROOT

ENV_FILE = DEPLOY / "yurikago.env.example"


def literal_lines(text: str) -> dict[str, str]:
    """How systemd and docker read it: NAME=rest-of-line, taken literally; # lines skipped."""
    values = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


class EnvFileTest(SimpleTestCase):
    text = ENV_FILE.read_text()

    def test_the_settings_reader_accepts_it(self) -> None:
        self.assertEqual(parse_env_file(self.text, str(ENV_FILE)), literal_lines(self.text))

    def test_a_shell_reads_the_same_values_as_systemd_and_docker(self) -> None:
        done = subprocess.run(
            ["bash", "-c", f"set -a; . {ENV_FILE}; set +a; env -0"],
            env={"PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        shell = dict(item.split("=", 1) for item in done.stdout.split("\0") if "=" in item)
        for name, value in literal_lines(self.text).items():
            self.assertEqual(shell.get(name), value, name)

    def test_no_value_is_quoted_or_followed_by_a_comment(self) -> None:
        for name, value in literal_lines(self.text).items():
            self.assertRegex(value, r"^[A-Za-z0-9_@%+=:,./-]*$", name)

    def test_every_variable_is_documented_in_env_example(self) -> None:
        documented = set(
            re.findall(r"^#?([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M)
        )
        names = set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", self.text, re.M))
        self.assertEqual(names - documented, set())

    def test_it_is_set_up_for_production_behind_nginx(self) -> None:
        values = literal_lines(self.text)
        self.assertEqual(values["DEBUG"], "False")
        self.assertEqual(values["TRUSTED_PROXY_COUNT"], "1")
        self.assertEqual(values["SECURE_PROXY_SSL_HEADER"], "HTTP_X_FORWARDED_PROTO,https")
        self.assertTrue(values["SITE_ROOT"].startswith("https://"))


class EnvFileDeployCheckTest(SimpleTestCase):
    def test_check_deploy_is_silent_with_it(self) -> None:
        import os
        import sys

        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))}
        env.update(literal_lines(ENV_FILE.read_text()))
        env["SECRET_KEY"] = "k7Qp2vZr9XwLm4Nc8Tb1Yh6Jd3Fs5Gu0Ae-Ri_Oo2Pl7Ks9Mn4Bv6Cx8Zq1Wt3Ey5"
        env["ENV_FILE"] = "/nonexistent"
        done = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertIn("System check identified no issues", done.stdout)

"""`.env` is read when present (finding 12): strictly, and the process environment wins."""

from __future__ import annotations

from pathlib import Path

from .settings_process import settings_value


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / ".env"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_settings_come_from_the_env_file(tmp_path: Path) -> None:
    env_file = write(
        tmp_path,
        "# a comment\n\nSECRET_KEY=from-the-file\nDEFAULT_MUNICIPALITY=sakuragawa\n"
        "EMAIL_BACKEND_KIND=smtp\nSMTP_PASSWORD='p@ss word;!'\n",
    )
    result = settings_value(
        "(settings.SECRET_KEY, settings.DEFAULT_MUNICIPALITY, "
        "settings.MAILERS['default']['OPTIONS']['password'])",
        ENV_FILE=env_file,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(("from-the-file", "sakuragawa", "p@ss word;!"))


def test_the_process_environment_wins_over_the_file(tmp_path: Path) -> None:
    env_file = write(tmp_path, "SECRET_KEY=x\nDEFAULT_MUNICIPALITY=sakuragawa\n")
    result = settings_value(
        "settings.DEFAULT_MUNICIPALITY", ENV_FILE=env_file, DEFAULT_MUNICIPALITY="katsushika"
    )
    assert result.stdout.strip() == "'katsushika'", result.stderr


def test_a_line_the_shell_or_systemd_would_read_differently_stops_the_start(
    tmp_path: Path,
) -> None:
    for line in ("DEBUG=False   # off", 'SECRET_KEY="x"', "export SECRET_KEY=x", "A = b"):
        env_file = write(tmp_path, f"SECRET_KEY=x\n{line}\n")
        result = settings_value("settings.DEBUG", ENV_FILE=env_file)
        assert result.returncode != 0, line
        assert ".env, line 2: expected NAME=value" in result.stderr, result.stderr


def test_no_file_is_no_error(tmp_path: Path) -> None:
    result = settings_value("settings.DEBUG", ENV_FILE=str(tmp_path / "missing"), SECRET_KEY="x")
    assert result.stdout.strip() == "False", result.stderr

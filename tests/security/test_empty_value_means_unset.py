"""An empty variable means unset, so a copied example with blanks gives the defaults (12)."""

from __future__ import annotations

from .settings_process import settings_value


def test_empty_booleans_take_their_defaults() -> None:
    result = settings_value(
        "(settings.DEBUG, settings.SMS_CONSOLE_SHOW_TEXT, settings.CELERY_TASK_ALWAYS_EAGER)",
        SECRET_KEY="x",
        DEBUG="",
        SMS_CONSOLE_SHOW_TEXT="",
        CELERY_TASK_ALWAYS_EAGER="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr((False, False, True))


def test_empty_strings_take_their_defaults() -> None:
    result = settings_value(
        "(settings.MAILERS['default']['OPTIONS']['host'], settings.DEFAULT_MUNICIPALITY, "
        "settings.SMS_BACKEND, settings.LOG_LEVEL)",
        SECRET_KEY="x",
        EMAIL_BACKEND_KIND="smtp",
        SMTP_HOST="",
        DEFAULT_MUNICIPALITY="",
        SMS_BACKEND="",
        LOG_LEVEL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(("localhost", "katsushika", "console", "INFO"))


def test_an_empty_secret_key_is_still_missing() -> None:
    result = settings_value("settings.SECRET_KEY", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr

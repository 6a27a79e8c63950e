"""A typo in SMS_BACKEND stops the start instead of logging SMS to the console (finding 12)."""

from __future__ import annotations

from .settings_process import settings_value


def test_a_capitalised_twilio_stops_the_start_with_a_clear_error() -> None:
    result = settings_value("settings.SMS_BACKEND", SECRET_KEY="x", SMS_BACKEND="Twilio")
    assert result.returncode != 0
    assert "SMS_BACKEND must be one of console, twilio; not 'Twilio'" in result.stderr


def test_an_unknown_backend_stops_the_start() -> None:
    result = settings_value("settings.SMS_BACKEND", SECRET_KEY="x", SMS_BACKEND="sms")
    assert result.returncode != 0
    assert "SMS_BACKEND must be one of" in result.stderr


def test_the_two_known_backends_load() -> None:
    for backend in ("console", "twilio"):
        result = settings_value("settings.SMS_BACKEND", SECRET_KEY="x", SMS_BACKEND=backend)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == repr(backend)


def test_unset_means_the_console() -> None:
    result = settings_value("settings.SMS_BACKEND", SECRET_KEY="x")
    assert result.stdout.strip() == "'console'", result.stderr

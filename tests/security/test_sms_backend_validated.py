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


TWILIO = {
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "token",
    "TWILIO_MESSAGING_SERVICE_SID": "MG" + "0" * 32,
}


def test_the_two_known_backends_load() -> None:
    for backend in ("console", "twilio"):
        result = settings_value(
            "settings.SMS_BACKEND", SECRET_KEY="x", SMS_BACKEND=backend, **TWILIO
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == repr(backend)


def test_twilio_without_its_account_or_a_sender_stops_the_start() -> None:
    for missing in TWILIO:
        env = {**TWILIO, missing: ""}
        result = settings_value("settings.SMS_BACKEND", SECRET_KEY="x", SMS_BACKEND="twilio", **env)
        assert result.returncode != 0, missing
        assert "SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID" in result.stderr
    result = settings_value(
        "settings.SMS_BACKEND",
        SECRET_KEY="x",
        SMS_BACKEND="twilio",
        **{**TWILIO, "TWILIO_MESSAGING_SERVICE_SID": "", "TWILIO_FROM_NUMBER": "+815012345678"},
    )
    assert result.returncode == 0, result.stderr


def test_unset_means_the_console() -> None:
    result = settings_value("settings.SMS_BACKEND", SECRET_KEY="x")
    assert result.stdout.strip() == "'console'", result.stderr

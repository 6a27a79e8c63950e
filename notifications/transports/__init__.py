"""One transport per channel behind one small interface (see base.Transport)."""

from __future__ import annotations

from django.conf import settings

from .base import Outgoing, Sent, Transport, TransportError


def sms_transport() -> Transport:
    if settings.SMS_BACKEND == "twilio":
        from .sms import TwilioSmsTransport

        return TwilioSmsTransport.from_settings()
    from .console import ConsoleSmsTransport

    return ConsoleSmsTransport()


def email_transport() -> Transport:
    from .email import EmailTransport

    return EmailTransport()


def line_transport() -> Transport:
    if settings.LINE_BACKEND == "line":
        from .line import LineTransport

        return LineTransport.from_settings()
    from .line import ConsoleLineTransport

    return ConsoleLineTransport()


def transport_for(channel: str) -> Transport:
    if channel == "line":
        return line_transport()
    return sms_transport() if channel == "sms" else email_transport()


__all__ = [
    "Outgoing",
    "Sent",
    "Transport",
    "TransportError",
    "email_transport",
    "line_transport",
    "sms_transport",
    "transport_for",
]

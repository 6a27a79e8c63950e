"""Email through Django's default mailer: a text part, an HTML part, and the booking's .ics."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers

from .base import Outgoing, Sent, Transport, TransportError


def _classify(exc: Exception) -> TransportError:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return TransportError(
            "the mail server refused the address", permanent=True, code="recipient_refused"
        )
    if isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600:
        return TransportError(
            f"mail server answered {exc.smtp_code}", permanent=True, code=str(exc.smtp_code)
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return TransportError(
            f"mail server answered {exc.smtp_code}", permanent=False, code=str(exc.smtp_code)
        )
    return TransportError(
        f"mail server unavailable: {type(exc).__name__}", permanent=False, code="smtp"
    )


class EmailTransport(Transport):
    channel = "email"

    def send(self, outgoing: Outgoing) -> Sent:
        mail = EmailMultiAlternatives(
            subject=outgoing.subject,
            body=outgoing.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[outgoing.recipient],
        )
        if outgoing.html:
            mail.attach_alternative(outgoing.html, "text/html")
        for attachment in outgoing.attachments:
            mail.attach(attachment.filename, attachment.content, attachment.mimetype)
        try:
            mailers.default.send_messages([mail])
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise _classify(exc) from None
        return Sent()

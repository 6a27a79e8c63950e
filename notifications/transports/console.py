"""SMS to the console: the embedded default, so `make run` shows messages without a provider.

It logs the masked number and the purpose, never the text: the text names her appointment, and
logs are kept and read by people who need not know. With SMS_CONSOLE_SHOW_TEXT (on by default
only when DEBUG is on, as in `make run`) it also prints the text to standard output, so a demo
resident can read her sign-in code.
"""

from __future__ import annotations

import logging
import sys
import uuid

from django.conf import settings

from ..masking import mask_phone
from .base import Outgoing, Sent, Transport

log = logging.getLogger("notifications.console")


class ConsoleSmsTransport(Transport):
    channel = "sms"

    def send(self, outgoing: Outgoing) -> Sent:
        log.info(
            "sending SMS to %s (%s, message %s, %d characters)",
            mask_phone(outgoing.recipient),
            outgoing.purpose,
            outgoing.message_id,
            len(outgoing.text),
        )
        if settings.SMS_CONSOLE_SHOW_TEXT:
            # To the developer's terminal, not to the log handlers (see the module docstring).
            sys.stdout.write(f"[SMS to {outgoing.recipient}] {outgoing.text}\n")
            sys.stdout.flush()
        return Sent(provider_id=f"console-{uuid.uuid4().hex[:16]}")

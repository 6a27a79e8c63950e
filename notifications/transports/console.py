"""SMS to the console: the embedded default, so `make run` shows messages without a provider.

It logs the masked number and the purpose, never the text: the text names her appointment, and
logs are kept and read by people who need not know.
"""

from __future__ import annotations

import logging
import uuid

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
        return Sent(provider_id=f"console-{uuid.uuid4().hex[:16]}")

"""Configuration the outbox's guarantees depend on, checked by `manage.py check` (and every
`migrate` and `runserver`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register()
def lease_outlasts_the_send_tasks(**kwargs: Any) -> list[CheckMessage]:
    """A batch takes every row's attempt when it starts; if a row's lease ran out while its
    batch could still be running, the reconciler would find it "in flight", ask Twilio, not
    find it yet and claim it again: a second copy. The lease must outlast the hard time limit."""
    from .tasks import send_message, send_messages

    longest = max(send_messages.time_limit or 0, send_message.time_limit or 0)
    if settings.MESSAGE_LEASE_SECONDS > longest:
        return []
    return [
        Warning(
            f"MESSAGE_LEASE_SECONDS ({settings.MESSAGE_LEASE_SECONDS}) must be longer than the "
            f"send tasks' hard time limit ({longest} s).",
            hint="Raise MESSAGE_LEASE_SECONDS (default 300): a shorter lease lets the "
            "reconciler resend a message whose batch is still running.",
            id="notifications.W001",
        )
    ]

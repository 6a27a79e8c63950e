"""Claiming due outbox rows and sending them (placeholder until the transports land)."""

from __future__ import annotations

import logging

from django.utils import timezone

from .models import Message

log = logging.getLogger(__name__)


def dispatch_due_messages(limit: int = 500) -> int:
    now = timezone.now()
    ids = list(
        Message.objects.filter(status=Message.Status.PENDING, send_at__lte=now)
        .order_by("send_at")
        .values_list("id", flat=True)[:limit]
    )
    claimed = 0
    for message_id in ids:
        if Message.objects.filter(id=message_id, status=Message.Status.PENDING).update(
            status=Message.Status.SENDING, claimed_at=now
        ):
            claimed += 1
    return claimed

"""Sign-in codes, sent at once through the outbox so staff can see each went (or did not)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .dispatch import RetryLater, message_send
from .models import Message
from .tasks import send_message_retry_later

if TYPE_CHECKING:
    from scheduling.models import Municipality


def message_send_login_code(
    *, municipality: Municipality, channel: str, recipient: str, code: str, language: str
) -> Message:
    """Send a sign-in code now, through the outbox so staff can see it went (or did not).

    The code lives on the row only until the send is settled, then it is cleared; it is never
    logged. A transient failure is handed to the send task's retries.
    """
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(
            municipality=municipality,
            purpose=Message.Purpose.LOGIN_CODE,
            channel=channel,
            recipient=recipient,
            language=language,
            context={"code": code},
            send_at=now,
            status=Message.Status.SENDING,
            claim=1,
            claimed_at=now,
            lease_until=now + dt.timedelta(seconds=settings.MESSAGE_LEASE_SECONDS),
        )
    try:
        message_send(message_id=message.pk, claim=1, final_attempt=False)
    except RetryLater:
        send_message_retry_later(message.pk)
    message.refresh_from_db()
    return message

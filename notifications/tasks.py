"""Celery tasks: thin, idempotent, taking ids. The outbox rows are the source of truth."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from .dispatch import RetryLater, dispatch_due_messages, message_send

log = logging.getLogger(__name__)


@shared_task(name="notifications.dispatch_due", time_limit=55, soft_time_limit=50)
def dispatch_due() -> int:
    """Beat runs this every minute; bookings nudge it after they commit."""
    return len(dispatch_due_messages().claimed)


@shared_task(
    bind=True,
    name="notifications.send_message",
    autoretry_for=(RetryLater,),
    max_retries=5,
    retry_backoff=settings.MESSAGE_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=settings.MESSAGE_RETRY_BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    # Safe to redeliver: a second delivery of the same (id, claim) finds the attempt taken.
    acks_late=True,
    # Longer than the provider timeout, shorter than MESSAGE_LEASE_SECONDS.
    soft_time_limit=30,
    time_limit=40,
)
def send_message(self, message_id: int, claim: int) -> str:  # type: ignore[no-untyped-def]
    return message_send(
        message_id=message_id, claim=claim, final_attempt=self.request.retries >= self.max_retries
    )


# A booking must not wait on a broker that is down: connect once, quickly, then give up.
FAST_FAIL = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def wake_dispatcher() -> None:
    """Nudge the dispatcher after a commit; beat runs it every minute anyway."""
    app = dispatch_due.app
    try:
        if app.conf.task_always_eager:
            dispatch_due.apply_async()
            return
        with app.connection_for_write(connect_timeout=1, transport_options=FAST_FAIL) as conn:
            dispatch_due.apply_async(retry=False, connection=conn)
    except Exception:  # broker down: the rows wait for beat, nothing is lost
        log.warning("could not reach the broker; due messages wait for the next dispatch")

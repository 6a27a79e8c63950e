"""Celery tasks: thin, idempotent, taking ids. The outbox rows are the source of truth."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from .dispatch import RetryLater, SendBatch, dispatch_due_messages, message_send

log = logging.getLogger(__name__)


@shared_task(bind=True, name="notifications.dispatch_due", time_limit=55, soft_time_limit=50)
def dispatch_due(self, limit: int | None = None) -> int:
    """Beat runs this every minute; bookings nudge it after they commit.

    A morning wave is larger than one page (MESSAGE_DISPATCH_PAGE): in a worker, a run that
    claims a full page queues the next run at once, behind the batches it just queued, so the
    dispatcher keeps pace with the workers instead of claiming one page a minute, and never runs
    far ahead of them. Run eagerly (no broker: inside the web request that nudged it) it sends
    one page and leaves the rest to `dispatch_messages --loop`, which goes on at once itself.
    """
    result = dispatch_due_messages(limit=limit)
    if result.more and not self.request.is_eager:
        try:
            self.apply_async(kwargs={"limit": limit}, retry=False)
        except Exception:  # broker gone since: the rest waits for the next beat
            log.warning("could not queue the next dispatch; the rest waits for beat")
    return len(result.claimed)


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
def send_message(self, message_id: int, claim: int) -> str:
    return message_send(
        message_id=message_id, claim=claim, final_attempt=self.request.retries >= self.max_retries
    )


@shared_task(
    name="notifications.send_messages",
    # Safe to redeliver: each row's attempt is taken per (id, claim), so a second delivery of
    # the batch sends only the rows the first one never reached.
    acks_late=True,
    # A provider timeout on a few rows fits; a batch cut short leaves its unsent rows to the
    # reconciler once their lease ends, its row in flight to the in-flight check.
    soft_time_limit=90,
    time_limit=100,
)
def send_messages(claims: list[list[int]]) -> list[str]:
    """Send a batch of claimed rows, each exactly as `send_message` would send it alone.

    A transient failure hands that row to `send_message`, which retries it with backoff as its
    second attempt; the other rows go on.
    """
    batch = SendBatch.prepare([(message_id, claim) for message_id, claim in claims])
    outcomes = []
    try:
        for message_id, claim in claims:
            try:
                outcomes.append(batch.send(message_id, claim))
            except RetryLater:
                outcomes.append(_retry_alone(message_id, claim))
            except SoftTimeLimitExceeded:
                raise  # out of time: the rows not reached wait for their lease, nothing is lost
            except Exception:  # one row's bug must not hold back the others; its lease settles it
                log.exception("message %s: send failed unexpectedly", message_id)
                outcomes.append("error")
    finally:
        batch.record()
    return outcomes


def _retry_alone(message_id: int, claim: int) -> str:
    countdown = get_exponential_backoff_interval(
        factor=send_message.retry_backoff,
        retries=0,
        maximum=send_message.retry_backoff_max,
        full_jitter=send_message.retry_jitter,
    )
    try:
        send_message.apply_async((message_id, claim), countdown=countdown, retries=1, retry=False)
    except Exception:  # broker down: the row's lease runs out and the reconciler claims it again
        log.warning(
            "message %s: could not queue its retry; it waits for its lease to end", message_id
        )
    return "retry"


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

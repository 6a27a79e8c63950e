"""Celery tasks, and the only module of this app that talks to the broker: thin, idempotent,
taking ids. The outbox rows are the source of truth; the dispatcher's rules are in dispatch.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .dispatch import (
    RetryLater,
    SendBatch,
    message_send,
    messages_claim_due,
    messages_reconcile_stuck,
    messages_skip_stale,
)
from .models import Message

log = logging.getLogger(__name__)
S = Message.Status
SEND_BATCH_SIZE = 20
# A failed SMS or one to a number that answered STOP may have left an email in its place.
MAY_FALL_BACK = frozenset({S.FAILED, S.SKIPPED})


@dataclass
class DispatchResult:
    claimed: list[tuple[int, int]] = field(default_factory=list)
    skipped: int = 0
    reconciled: int = 0
    enqueued: int = 0
    more: bool = False  # a full page was claimed and sent on: more rows may be due


def dispatch_due_messages(
    *, now: dt.datetime | None = None, limit: int | None = None
) -> DispatchResult:
    """One dispatcher run: skip the stale, settle the stuck, claim the due, enqueue them."""
    now = now or timezone.now()
    limit = settings.MESSAGE_DISPATCH_PAGE if limit is None else limit
    result = DispatchResult()
    result.skipped = messages_skip_stale(now=now)
    result.reconciled, reclaimed = messages_reconcile_stuck(now=now)
    messages_enqueue(reclaimed)
    result.claimed = messages_claim_due(now=now, limit=limit)
    result.enqueued = messages_enqueue(result.claimed)
    result.more = limit > 0 and len(result.claimed) == limit == result.enqueued
    if result.claimed or result.skipped or result.reconciled:
        log.info(
            "dispatch: claimed=%d enqueued=%d skipped=%d reconciled=%d",
            len(result.claimed),
            result.enqueued,
            result.skipped,
            result.reconciled,
        )
    return result


def messages_enqueue(claims: list[tuple[int, int]]) -> int:
    """One send task per batch of up to SEND_BATCH_SIZE claimed rows (one broker round trip
    and one task per batch, not per row); each row keeps its own claim inside the batch.
    If the broker is unreachable the rest go back to pending."""
    for start in range(0, len(claims), SEND_BATCH_SIZE):
        batch = claims[start : start + SEND_BATCH_SIZE]
        try:
            send_messages.apply_async(([list(pair) for pair in batch],), retry=False)
        except Exception:  # kombu raises several types for "broker unreachable"
            rest = [m for m, _ in claims[start:]]
            Message.objects.filter(
                id__in=rest, status=S.SENDING, attempt_started_at__isnull=True
            ).update(status=S.PENDING, lease_until=None, updated_at=timezone.now())
            log.warning(
                "broker unreachable: %d messages stay pending for the next dispatch", len(rest)
            )
            return start
    return len(claims)


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
    outcome = message_send(
        message_id=message_id, claim=claim, final_attempt=self.request.retries >= self.max_retries
    )
    _wake_for_fallbacks([outcome])
    return outcome


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
    _wake_for_fallbacks(outcomes)
    return outcomes


def _wake_for_fallbacks(outcomes: Iterable[str]) -> None:
    """An email that stands in for a failed or refused SMS goes out now, not at the next beat."""
    if MAY_FALL_BACK.intersection(outcomes):
        wake_dispatcher_on_commit()


def send_message_retry_later(message_id: int) -> None:
    """A sign-in code's first attempt was made in the request: the send task has the rest."""
    try:
        send_message.apply_async(
            (message_id, 1),
            retries=1,
            countdown=settings.MESSAGE_RETRY_BACKOFF_SECONDS,
            retry=False,
        )
    except Exception:  # broker down: the lease runs out and the dispatcher takes it again
        log.warning("could not hand message %s to the broker for a retry", message_id)


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

# Each thread keeps its nudging connection to the broker (kombu connections are not shared
# between threads), for its process and broker: opening one per nudge cost a booking ~28 ms
# with Redis (issue 19; bench/README.md). A failed nudge drops it, the next one connects again.
_nudging = threading.local()


def _nudge_connection() -> Any:
    app = dispatch_due.app
    key = (os.getpid(), app.conf.broker_url)
    if getattr(_nudging, "key", None) != key:
        _nudging.connection = app.connection_for_write(
            connect_timeout=1, transport_options=FAST_FAIL
        )
        _nudging.key = key
    return _nudging.connection


def _drop_nudge_connection() -> None:
    connection = getattr(_nudging, "connection", None)
    _nudging.key = _nudging.connection = None
    if connection is not None:
        try:
            connection.release()
        except Exception:  # already broken: nothing to close cleanly
            log.debug("closing a broken broker connection failed", exc_info=True)


def wake_dispatcher() -> None:
    """Nudge the dispatcher after a commit; beat runs it every minute anyway."""
    try:
        if dispatch_due.app.conf.task_always_eager:
            dispatch_due.apply_async()
            return
        dispatch_due.apply_async(retry=False, connection=_nudge_connection())
    except Exception:  # broker down: the rows wait for beat, nothing is lost
        _drop_nudge_connection()
        log.warning("could not reach the broker; due messages wait for the next dispatch")


def wake_dispatcher_on_commit() -> None:
    """Ask for an immediate dispatch once the transaction commits.

    Only a nudge: if the broker is down the rows stay pending and beat's next run sends them.
    """
    transaction.on_commit(wake_dispatcher, robust=True)


WEBHOOK_PAGE = 500
WEBHOOK_BATCH = 20


@shared_task(name="notifications.deliver_webhooks", time_limit=55, soft_time_limit=50)
def deliver_webhooks(limit: int = WEBHOOK_PAGE) -> int:
    """Beat runs this every minute and booking changes nudge it: claim what is due and hand it
    to the workers in batches (as the message dispatcher does). A full page queues the next
    run behind the batches it just queued."""
    from .webhooks import webhooks_claim_due

    claims = webhooks_claim_due(now=timezone.now(), limit=limit)
    for start in range(0, len(claims), WEBHOOK_BATCH):
        batch = [list(pair) for pair in claims[start : start + WEBHOOK_BATCH]]
        try:
            send_webhooks.apply_async((batch,), retry=False)
        except Exception:  # broker gone: the rows' lease runs out and they are claimed again
            log.warning("could not queue webhook batches; they wait for their lease to end")
            return start
    if len(claims) == limit:
        try:
            deliver_webhooks.apply_async(kwargs={"limit": limit}, retry=False)
        except Exception:  # the rest waits for the next beat
            log.warning("could not queue the next webhook run; the rest waits for beat")
    return len(claims)


@shared_task(name="notifications.send_webhooks", acks_late=True, time_limit=100, soft_time_limit=90)
def send_webhooks(claims: list[list[int]]) -> list[str]:
    """Send a batch of claimed deliveries on one connection pool. Safe to redeliver: a row is
    sent only while it is SENDING under the claim it was given."""
    from .webhooks import webhooks_send_claimed

    return webhooks_send_claimed([(delivery_id, claim) for delivery_id, claim in claims])

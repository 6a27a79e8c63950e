"""Celery tasks: thin, idempotent, taking ids. The outbox rows are the source of truth."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="notifications.dispatch_due", time_limit=55, soft_time_limit=50)
def dispatch_due() -> int:
    from .dispatch import dispatch_due_messages

    return dispatch_due_messages()


def wake_dispatcher() -> None:
    """Nudge the dispatcher after a commit; beat runs it every minute anyway."""
    try:
        dispatch_due.delay()
    except Exception:  # broker down: the rows wait for beat, nothing is lost
        log.warning("could not reach the broker; due messages wait for the next dispatch")

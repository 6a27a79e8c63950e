"""Scheduling tasks: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="scheduling.sweep_expired_holds", time_limit=30)
def sweep_expired_holds() -> int:
    from .services import holds_sweep_expired

    return holds_sweep_expired()

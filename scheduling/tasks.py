"""Scheduling tasks: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="scheduling.sweep_expired_holds", time_limit=30)
def sweep_expired_holds() -> int:
    from .services import holds_sweep_expired

    return holds_sweep_expired()


# Celery autodiscovers `scheduling.tasks`; importing registers the calendar tasks as well.
from .calendars.tasks import sync_all_calendars, sync_calendar  # noqa: E402

__all__ = ["sweep_expired_holds", "sync_all_calendars", "sync_calendar"]

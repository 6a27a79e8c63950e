"""Celery tasks: beat's "sync every calendar" fans out to one task per calendar.

Both are idempotent (a sync replaces a calendar's blocks wholesale) and never raise: a failure
is recorded on the calendar and the next run tries again.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

log = logging.getLogger(__name__)


@shared_task(name="scheduling.sync_all_calendars", time_limit=60, soft_time_limit=50)
def sync_all_calendars() -> int:
    """Queue a sync of every active calendar that is due: failing ones back off."""
    from django.utils import timezone

    from .services import calendars_due_for_sync

    ids = calendars_due_for_sync(now=timezone.now())
    for calendar_id in ids:
        sync_calendar.delay(calendar_id)
    return len(ids)


@shared_task(name="scheduling.sync_calendar", acks_late=True, time_limit=120, soft_time_limit=100)
def sync_calendar(calendar_id: int, force: bool = False) -> bool:
    from scheduling.models import ExternalCalendar

    from .errors import SyncError
    from .services import calendar_record_failure, calendar_sync

    calendar = ExternalCalendar.objects.filter(pk=calendar_id, is_active=True).first()
    if calendar is None:
        return False  # removed since it was queued
    try:
        return calendar_sync(calendar=calendar, force=force).ok
    except SoftTimeLimitExceeded:
        calendar_record_failure(calendar_id=calendar_id, error=SyncError("timeout", "sync"))
    except Exception as exc:  # the worker must survive any calendar; the error is on the row
        log.exception("calendar sync crashed calendar=%s", calendar_id)
        calendar_record_failure(
            calendar_id=calendar_id, error=SyncError("internal", type(exc).__name__)
        )
    return False

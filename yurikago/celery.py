"""The Celery app. The broker is Redis in production (REDIS_URL); without one, tasks run eagerly."""

from __future__ import annotations

import os

from celery import Celery
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yurikago.settings")

app = Celery("yurikago")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Beat: the database holds every due message and calendar; these only wake the dispatchers.
app.conf.beat_schedule = {
    "dispatch-due-messages": {
        "task": "notifications.dispatch_due",
        "schedule": float(settings.MESSAGE_DISPATCH_INTERVAL_SECONDS),
    },
    "deliver-webhooks": {"task": "notifications.deliver_webhooks", "schedule": 60.0},
    "sweep-expired-holds": {"task": "scheduling.sweep_expired_holds", "schedule": 60.0},
    "waitlist-offers": {"task": "scheduling.waitlist_offers", "schedule": 60.0},
    "invitations": {"task": "scheduling.invitations", "schedule": 5 * 60.0},
    "sync-external-calendars": {"task": "scheduling.sync_all_calendars", "schedule": 15 * 60.0},
}

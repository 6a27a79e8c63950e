"""Health checks for load balancers and uptime monitors: /healthz and /healthz/messages.

Project wiring, not API: they answer plain JSON without authentication, throttling or content
negotiation, and say nothing about data (counts at most).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from notifications.selectors import outbox_health


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database (and the broker, when one is configured) answer, 503 otherwise."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "error"
    broker = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://")):
        checks["broker"] = _broker_check(broker)
    healthy = all(v == "ok" for v in checks.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
    response["Cache-Control"] = "no-store"
    return response


def healthz_messages(request: HttpRequest) -> JsonResponse:
    """503 when due messages are not going out (beat, the broker or every worker is down), so a
    stalled outbox raises an alarm instead of reminders stopping silently. Counts only: no
    recipient, no booking."""
    now = timezone.now()
    health = outbox_health(
        now=now, late_after=dt.timedelta(seconds=settings.MESSAGE_LATE_AFTER_SECONDS)
    )
    waiting = int((now - health.oldest_due).total_seconds() // 60) if health.oldest_due else None
    response = JsonResponse(
        {
            "status": "ok" if health.healthy else "late",
            "late": health.late,
            "stuck": health.stuck,
            "oldest_late_minutes": waiting,
            "late_after_seconds": settings.MESSAGE_LATE_AFTER_SECONDS,
        },
        status=200 if health.healthy else 503,
    )
    response["Cache-Control"] = "no-store"
    return response


def _broker_check(url: str) -> str:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        client.close()
    except Exception:
        return "error"
    return "ok"

"""LINE's webhook (/line/webhook/): follow and unfollow events of the official account.

Every request is checked against X-Line-Signature (HMAC-SHA256 of the raw body with the channel
secret, base64); a missing or forged signature gets 403 and changes nothing. Follow and unfollow
are idempotent: LINE may deliver an event twice (webhookEventId, isRedelivery) or late, and an
event older than the last one applied for that user is ignored. Unfollow is her opt-out of LINE.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from linebot.v3.webhook import SignatureValidator

from .line_models import LineFriend

log = logging.getLogger("notifications.line")


def signature_valid(body: str, signature: str) -> bool:
    secret = settings.LINE_CHANNEL_SECRET
    if not secret or not signature:
        return False
    return bool(SignatureValidator(secret).validate(body, signature))


def line_follow_set(*, user_id: str, following: bool, event_ms: int) -> LineFriend:
    """Apply one follow (True) or unfollow (False) event; repeats and older events change
    nothing."""
    at = dt.datetime.fromtimestamp(event_ms / 1000, tz=dt.UTC)
    with transaction.atomic():
        friend, created = LineFriend.objects.select_for_update().get_or_create(
            user_id=user_id,
            defaults={
                "following": following,
                "event_ms": event_ms,
                "opted_out_at": None if following else at,
            },
        )
        if created or event_ms <= friend.event_ms:
            return friend
        if not following and friend.following:
            friend.opted_out_at = at
        elif following:
            friend.opted_out_at = None
        friend.following = following
        friend.event_ms = event_ms
        friend.save(update_fields=["following", "event_ms", "opted_out_at", "updated_at"])
        return friend


@csrf_exempt
@require_POST
def line_webhook(request: HttpRequest) -> HttpResponse:
    body = request.body.decode("utf-8", errors="replace")
    if not signature_valid(body, request.headers.get("X-Line-Signature", "")):
        log.warning("LINE webhook refused: signature missing or wrong")
        return HttpResponseForbidden("bad signature")
    try:
        payload = json.loads(body or "{}")
    except ValueError:
        return HttpResponse(status=400)
    events = payload.get("events", []) if isinstance(payload, dict) else []
    for event in events if isinstance(events, list) else []:
        if not isinstance(event, dict) or event.get("type") not in ("follow", "unfollow"):
            continue
        source = event.get("source") or {}
        user_id = source.get("userId") if isinstance(source, dict) else None
        timestamp = event.get("timestamp")
        if not isinstance(user_id, str) or not user_id or not isinstance(timestamp, int):
            continue
        line_follow_set(
            user_id=user_id[:64], following=event["type"] == "follow", event_ms=timestamp
        )
    # LINE's console "Verify" sends an empty event list: 200 as for any accepted delivery.
    return HttpResponse(status=200)

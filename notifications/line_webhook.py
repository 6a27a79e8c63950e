"""LINE's webhook (/line/webhook/): follow, unfollow, accountLink, and "link" messages.

Every request is checked against X-Line-Signature (HMAC-SHA256 of the raw body with the channel
secret, base64); a missing or forged signature gets 403 and changes nothing. Follow and unfollow
are idempotent: LINE may deliver an event twice (webhookEventId, isRedelivery) or late, and an
event older than the last one applied for that user is ignored. Unfollow is her opt-out of LINE.

Linking (line_linking.py): a follow from someone not yet linked, or a text message 連携/"link",
is answered with the linking button; an `accountLink` event links her. A redelivered follow
(deliveryContext.isRedelivery) sends no second button.
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

from .line_linking import LINK_WORDS, line_account_link, line_link_invite
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
        if isinstance(event, dict):
            _handle(event)
    # LINE's console "Verify" sends an empty event list: 200 as for any accepted delivery.
    return HttpResponse(status=200)


def _handle(event: dict[str, object]) -> None:
    kind = event.get("type")
    source = event.get("source") or {}
    user_id = source.get("userId") if isinstance(source, dict) else None
    timestamp = event.get("timestamp")
    if not isinstance(user_id, str) or not user_id or not isinstance(timestamp, int):
        return
    user_id = user_id[:64]
    reply_token = event.get("replyToken")
    reply_token = reply_token if isinstance(reply_token, str) else ""
    if kind in ("follow", "unfollow"):
        friend = line_follow_set(user_id=user_id, following=kind == "follow", event_ms=timestamp)
        context = event.get("deliveryContext")
        redelivered = isinstance(context, dict) and context.get("isRedelivery") is True
        if kind == "follow" and friend.following and friend.resident_id is None and not redelivered:
            line_link_invite(user_id=user_id, reply_token=reply_token)
    elif kind == "message":
        message = event.get("message")
        text = message.get("text") if isinstance(message, dict) else None
        if not isinstance(text, str) or text.strip().lower() not in LINK_WORDS:
            return
        known = LineFriend.objects.filter(user_id=user_id).first()
        # A follower from before the webhook was set up is recorded now.
        friend = known or line_follow_set(user_id=user_id, following=True, event_ms=timestamp)
        if friend.following and friend.resident_id is None:
            line_link_invite(user_id=user_id, reply_token=reply_token)
    elif kind == "accountLink":
        link = event.get("link")
        if isinstance(link, dict):
            nonce, result = link.get("nonce"), link.get("result")
            line_account_link(
                user_id=user_id,
                nonce=nonce if isinstance(nonce, str) else "",
                result=result if isinstance(result, str) else "",
            )

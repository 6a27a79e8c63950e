"""LINE push messages through the official `line-bot-sdk` (linebot.v3.messaging).

The recipient is her LINE user id (never shown to staff, never logged). Every call has a timeout
and carries an X-Line-Retry-Key derived from our message id, so a retry after a lost answer is
not delivered twice (LINE answers 409 for a key it already accepted: that counts as sent).

Permanent versus transient, as the SMS transport does it: 429, 5xx and network trouble are
retried with backoff by the send task; a user who blocked the account or never followed it (LINE
answers 400 "Failed to send messages", or 403) will never receive it, so the message fails at
once with code "blocked" and falls back to another channel.
"""

from __future__ import annotations

import logging
import uuid

import urllib3
from django.conf import settings
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    PushMessageRequest,
    ReplyMessageRequest,
    TemplateMessage,
    TextMessage,
)
from linebot.v3.messaging.models import ButtonsTemplate, URIAction

from .base import LineButton, Outgoing, Sent, Transport, TransportError

log = logging.getLogger("notifications.line")

DEFAULT_API_BASE = "https://api.line.me"
# Retry keys are UUIDs; one namespace so that the same message id always gives the same key.
_RETRY_KEY_NAMESPACE = uuid.UUID("6c1d2f0e-3b6a-4c55-9a51-2f1f3f7a9e18")
# LINE's text message limit is 5,000 characters; ours are far shorter, never cut mid-link.
MAX_TEXT = 5000
# A buttons template: text up to 160 characters (no title), an action label up to 20, and an
# alternative text (what a lock screen or an old client shows) up to 400.
MAX_BUTTON_TEXT = 160
MAX_BUTTON_LABEL = 20
MAX_ALT_TEXT = 400


def button_message(button: LineButton) -> TemplateMessage:
    """One button opening a page of ours (her booking, or the linking page)."""
    return TemplateMessage(
        altText=button.alt_text[:MAX_ALT_TEXT],
        template=ButtonsTemplate(
            text=button.text[:MAX_BUTTON_TEXT],
            actions=[URIAction(label=button.label[:MAX_BUTTON_LABEL], uri=button.url)],
        ),
        quickReply=None,
    )


def outgoing_messages(outgoing: Outgoing) -> list[TextMessage | TemplateMessage]:
    messages: list[TextMessage | TemplateMessage] = [
        TextMessage(text=outgoing.text[:MAX_TEXT], quickReply=None, quoteToken=None)
    ]
    if outgoing.button is not None:
        messages.append(button_message(outgoing.button))
    return messages


def retry_key(message_id: int) -> str:
    return str(uuid.uuid5(_RETRY_KEY_NAMESPACE, f"yurikago-message-{message_id}"))


def classify(exc: Exception) -> TransportError:
    if isinstance(exc, (urllib3.exceptions.TimeoutError, TimeoutError)):
        return TransportError("LINE did not answer in time", permanent=False, code="timeout")
    if isinstance(exc, urllib3.exceptions.HTTPError):
        return TransportError("could not connect to LINE", permanent=False, code="connection")
    status = getattr(exc, "status", None)
    if status == 429:
        headers = getattr(exc, "headers", None) or {}
        after = headers.get("Retry-After", "") if hasattr(headers, "get") else ""
        text = f"LINE answered HTTP 429 (retry after {after}s)" if after else "LINE answered 429"
        return TransportError(text, permanent=False, code="429")
    if isinstance(status, int) and status >= 500:
        return TransportError(f"LINE answered HTTP {status}", permanent=False, code=str(status))
    if status in (400, 403):
        # Pushing to a user who blocked the account (or whose id is not a friend's) is refused.
        return TransportError(
            f"LINE refused the message: HTTP {status} (blocked or not a friend)",
            permanent=True,
            code="blocked",
        )
    if status == 401:
        return TransportError(
            "LINE refused the channel access token (LINE_CHANNEL_ACCESS_TOKEN)",
            permanent=True,
            code="config",
        )
    if isinstance(status, int) and 400 <= status < 500:
        return TransportError(
            f"LINE refused the message: HTTP {status}", permanent=True, code=str(status)
        )
    return TransportError(f"LINE error: {type(exc).__name__}", permanent=False, code="unknown")


class LineTransport(Transport):
    channel = "line"

    def __init__(self, *, access_token: str, timeout: float, api_base: str = "") -> None:
        if not access_token:
            raise TransportError(
                "LINE is not configured (LINE_CHANNEL_ACCESS_TOKEN)",
                permanent=True,
                code="config",
            )
        configuration = Configuration(
            host=(api_base or DEFAULT_API_BASE).rstrip("/"), access_token=access_token
        )
        # No silent retries inside urllib3: the send task owns retries and their backoff.
        configuration.retries = False
        self.api = MessagingApi(ApiClient(configuration))
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> LineTransport:
        return _cached(
            settings.LINE_CHANNEL_ACCESS_TOKEN,
            float(settings.PROVIDER_TIMEOUT_SECONDS),
            settings.LINE_API_BASE,
        )

    def send(self, outgoing: Outgoing) -> Sent:
        request = PushMessageRequest(
            to=outgoing.recipient,
            messages=outgoing_messages(outgoing),
            notificationDisabled=False,
            customAggregationUnits=None,
        )
        try:
            answer = self.api.push_message(
                request,
                x_line_retry_key=retry_key(outgoing.message_id),
                _request_timeout=self.timeout,
            )
        except ApiException as exc:
            if exc.status == 409:
                # This retry key was accepted before: the earlier attempt was delivered.
                return Sent(provider_id="", status="sent")
            raise classify(exc) from None
        except (urllib3.exceptions.HTTPError, TimeoutError, OSError) as exc:
            raise classify(exc) from None
        sent = answer.sent_messages or []
        return Sent(provider_id=str(sent[0].id) if sent else "", status="sent")

    def issue_link_token(self, user_id: str) -> str:
        """A link token for this follower (LINE: valid 10 minutes, used once)."""
        try:
            answer = self.api.issue_link_token(user_id, _request_timeout=self.timeout)
        except ApiException as exc:
            raise classify(exc) from None
        except (urllib3.exceptions.HTTPError, TimeoutError, OSError) as exc:
            raise classify(exc) from None
        return str(answer.link_token)

    def send_button(self, *, user_id: str, reply_token: str, button: LineButton) -> None:
        """Answer an event with one button: by its reply token (free, one use, about a minute),
        else by a push."""
        message = button_message(button)
        try:
            if reply_token:
                self.api.reply_message(
                    ReplyMessageRequest(
                        replyToken=reply_token,
                        messages=[message],
                        notificationDisabled=False,
                    ),
                    _request_timeout=self.timeout,
                )
            else:
                self.api.push_message(
                    PushMessageRequest(
                        to=user_id,
                        messages=[message],
                        notificationDisabled=False,
                        customAggregationUnits=None,
                    ),
                    _request_timeout=self.timeout,
                )
        except ApiException as exc:
            raise classify(exc) from None
        except (urllib3.exceptions.HTTPError, TimeoutError, OSError) as exc:
            raise classify(exc) from None


class ConsoleLineTransport(Transport):
    """The default: logs that a LINE message would go (purpose and id only, never the text)."""

    channel = "line"

    def send(self, outgoing: Outgoing) -> Sent:
        log.info(
            "sending LINE message (%s, message %s, %d characters)",
            outgoing.purpose,
            outgoing.message_id,
            len(outgoing.text),
        )
        return Sent(provider_id=f"console-line-{uuid.uuid4().hex[:16]}")

    def issue_link_token(self, user_id: str) -> str:
        return f"console-link-{uuid.uuid4().hex}"

    def send_button(self, *, user_id: str, reply_token: str, button: LineButton) -> None:
        # The console shows where the button leads (our own page, with the link token): this is
        # how a demo without LINE follows the flow.
        log.info("LINE button (%s): %s", button.label, button.url)


_clients: dict[tuple[object, ...], LineTransport] = {}


def _cached(token: str, timeout: float, base: str) -> LineTransport:
    # One client (one connection pool) per configuration and process.
    key = (token, timeout, base)
    if key not in _clients:
        _clients[key] = LineTransport(access_token=token, timeout=timeout, api_base=base)
    return _clients[key]

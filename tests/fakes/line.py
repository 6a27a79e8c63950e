"""A small LINE Messaging API on 127.0.0.1, for tests: the real `line-bot-sdk` talks to it.

Point the SDK at it with LINE_API_BASE=fake.url (see notifications.transports.line). It
understands POST /v2/bot/message/push ({"to": user id, "messages": [...]}, bearer token): answers
200 with {"sentMessages": [...]} and records the message, or whatever the script says.

Behaviour is scripted per request with `fake.script(...)` (consumed in order, then "ok"), or per
user with `fake.blocked.add(user_id)`:
- "ok": accept;
- ("error", http_status): refuse with LINE's JSON error body;
- ("throttle", retry_after_seconds): 429 with a Retry-After header, as LINE's rate limiter;
- ("hang", seconds): say nothing for that long, then close (the client times out).
A user in `blocked` (she blocked the account or never followed it) gets LINE's 400 "Failed to
send messages", which the transport treats as permanent.

Account linking: POST /v2/bot/user/{userId}/linkToken answers {"linkToken": …} and remembers
whose token it is (`fake.link_tokens`); POST /v2/bot/message/reply records the reply
(`fake.replies`, each with `reply_token` and `messages`). `account_link_event(...)` and
`message_event(...)` build the webhook events LINE sends.

Usage:

    with FakeLine() as fake:
        with override_settings(**fake.settings()):
            ...
        assert fake.sent[0].to == "U" + "1" * 32
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ACCESS_TOKEN = "fake-line-channel-access-token"
CHANNEL_SECRET = "fake-line-channel-secret"
PUSH_PATH = "/v2/bot/message/push"
REPLY_PATH = "/v2/bot/message/reply"
LINK_TOKEN_PREFIX = "/v2/bot/user/"
LINK_TOKEN_SUFFIX = "/linkToken"
MAX_HANG_SECONDS = 30.0


@dataclass
class FakeLineMessage:
    id: str
    to: str
    messages: list[dict[str, Any]]
    retry_key: str
    created: float

    @property
    def texts(self) -> list[str]:
        return [str(m.get("text", "")) for m in self.messages]


@dataclass
class _State:
    sent: list[FakeLineMessage] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    script: list[object] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)
    link_tokens: dict[str, str] = field(default_factory=dict)
    replies: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:
        return

    def _send_json(self, status: int, payload: dict[str, Any], **headers: str) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Line-Request-Id", secrets.token_hex(8))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        link_token_user = self._link_token_user()
        if self.path not in (PUSH_PATH, REPLY_PATH) and link_token_user is None:
            return self._send_json(404, {"message": "Not found"})
        if self.headers.get("Authorization", "") != f"Bearer {ACCESS_TOKEN}":
            return self._send_json(401, {"message": "Authentication failed"})
        if link_token_user is not None:
            return self._link_token(link_token_user)
        if self.path == REPLY_PATH:
            return self._reply(raw)
        try:
            payload = json.loads(raw or b"{}")
        except ValueError:
            return self._send_json(400, {"message": "The request body has 1 error(s)"})
        state = self.server.state
        with state.lock:
            state.requests.append(payload)
            step = state.script.pop(0) if state.script else "ok"
            blocked = payload.get("to", "") in state.blocked
        if isinstance(step, tuple) and step[0] == "hang":
            time.sleep(min(float(step[1]), MAX_HANG_SECONDS))
            self.close_connection = True
            return None
        if isinstance(step, tuple) and step[0] == "throttle":
            return self._send_json(
                429, {"message": "Too many requests"}, Retry_After=str(int(step[1]))
            )
        if isinstance(step, tuple) and step[0] == "error":
            return self._send_json(int(step[1]), {"message": "An error occurred"})
        if blocked:
            return self._send_json(400, {"message": "Failed to send messages"})
        message = FakeLineMessage(
            id=str(secrets.randbelow(10**18)),
            to=str(payload.get("to", "")),
            messages=list(payload.get("messages", [])),
            retry_key=self.headers.get("X-Line-Retry-Key", ""),
            created=time.time(),
        )
        with state.lock:
            state.sent.append(message)
        return self._send_json(
            200, {"sentMessages": [{"id": message.id, "quoteToken": secrets.token_hex(8)}]}
        )

    def _link_token_user(self) -> str | None:
        if self.path.startswith(LINK_TOKEN_PREFIX) and self.path.endswith(LINK_TOKEN_SUFFIX):
            user_id = self.path[len(LINK_TOKEN_PREFIX) : -len(LINK_TOKEN_SUFFIX)]
            return user_id if user_id and "/" not in user_id else None
        return None

    def _link_token(self, user_id: str) -> None:
        state = self.server.state
        with state.lock:
            step = state.script.pop(0) if state.script else "ok"
            blocked = user_id in state.blocked
        if isinstance(step, tuple) and step[0] == "error":
            return self._send_json(int(step[1]), {"message": "An error occurred"})
        if blocked:  # LINE issues link tokens only for friends of the account
            return self._send_json(400, {"message": "The user hasn't added the bot as a friend"})
        token = secrets.token_urlsafe(24)
        with state.lock:
            state.link_tokens[token] = user_id
        return self._send_json(200, {"linkToken": token})

    def _reply(self, raw: bytes) -> None:
        try:
            payload = json.loads(raw or b"{}")
        except ValueError:
            return self._send_json(400, {"message": "The request body has 1 error(s)"})
        with self.server.state.lock:
            self.server.state.replies.append(
                {"reply_token": payload.get("replyToken", ""), "messages": payload.get("messages")}
            )
        return self._send_json(200, {"sentMessages": [{"id": str(secrets.randbelow(10**18))}]})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: _State


class FakeLine:
    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = _State()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> FakeLine:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeLine:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def settings(self) -> dict[str, object]:
        """Django settings that send LINE messages here (use with override_settings)."""
        return {
            "LINE_BACKEND": "line",
            "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
            "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
            "LINE_API_BASE": self.url,
        }

    def script(self, *steps: object) -> None:
        with self._server.state.lock:
            self._server.state.script.extend(steps)

    @property
    def blocked(self) -> set[str]:
        return self._server.state.blocked

    @property
    def sent(self) -> list[FakeLineMessage]:
        with self._server.state.lock:
            return list(self._server.state.sent)

    @property
    def link_tokens(self) -> dict[str, str]:
        with self._server.state.lock:
            return dict(self._server.state.link_tokens)

    @property
    def replies(self) -> list[dict[str, Any]]:
        with self._server.state.lock:
            return list(self._server.state.replies)

    @property
    def requests(self) -> list[dict[str, Any]]:
        with self._server.state.lock:
            return list(self._server.state.requests)


def line_signature(body: str, secret: str = CHANNEL_SECRET) -> str:
    """X-Line-Signature as LINE computes it: base64 of HMAC-SHA256(channel secret, body)."""
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def follow_event(kind: str, user_id: str, timestamp_ms: int) -> dict[str, Any]:
    return {
        "type": kind,
        "mode": "active",
        "timestamp": timestamp_ms,
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": secrets.token_hex(13).upper(),
        "deliveryContext": {"isRedelivery": False},
        **({"replyToken": secrets.token_hex(16)} if kind == "follow" else {}),
    }


def message_event(user_id: str, text: str, timestamp_ms: int = 1) -> dict[str, Any]:
    return {
        "type": "message",
        "mode": "active",
        "timestamp": timestamp_ms,
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": secrets.token_hex(13).upper(),
        "deliveryContext": {"isRedelivery": False},
        "replyToken": secrets.token_hex(16),
        "message": {"type": "text", "id": str(secrets.randbelow(10**17)), "text": text},
    }


def account_link_event(
    user_id: str, nonce: str, *, result: str = "ok", timestamp_ms: int = 1
) -> dict[str, Any]:
    """What LINE sends once she went through access.line.me's account-link dialog."""
    return {
        "type": "accountLink",
        "mode": "active",
        "timestamp": timestamp_ms,
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": secrets.token_hex(13).upper(),
        "deliveryContext": {"isRedelivery": False},
        "replyToken": secrets.token_hex(16),
        "link": {"result": result, "nonce": nonce},
    }


def signed_webhook(
    client: Any, events: list[dict[str, Any]], *, secret: str = CHANNEL_SECRET
) -> Any:
    """POST a webhook delivery to /line/webhook/ through Django's test client, signed as LINE
    signs it."""
    body = json.dumps({"destination": "U" + "f" * 32, "events": events})
    return client.post(
        "/line/webhook/",
        body,
        content_type="application/json",
        headers={"X-Line-Signature": line_signature(body, secret)},
    )

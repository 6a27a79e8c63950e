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
        if self.path != PUSH_PATH:
            return self._send_json(404, {"message": "Not found"})
        if self.headers.get("Authorization", "") != f"Bearer {ACCESS_TOKEN}":
            return self._send_json(401, {"message": "Authentication failed"})
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

"""A small Twilio on 127.0.0.1 that speaks the Messages resource, for tests and benchmarks.

Point the real `twilio` client at it with TWILIO_API_BASE=fake.url (see
notifications.transports.sms.RebasedTwilioHttpClient). It understands:

- POST /2010-04-01/Accounts/<sid>/Messages.json (To, Body, From or MessagingServiceSid,
  StatusCallback): answers 201 with a message resource, or whatever the script says;
- GET  /2010-04-01/Accounts/<sid>/Messages.json?To=…: lists what it accepted, newest first.

Behaviour is scripted per request with `fake.script(...)` (consumed in order, then "ok"), or per
recipient with `fake.fail_for[number] = (status, code)`:
- "ok": accept;
- ("error", http_status, twilio_code): refuse with Twilio's JSON error body;
- ("hang", seconds): say nothing for that long, then close (the client times out);
- ("accept_then_hang", seconds): record the message as accepted, then hang (a worker killed now
  leaves Twilio holding a message we never recorded).

`fake.callback(sid, status)` posts a correctly signed status callback to the StatusCallback URL
given when the message was created; `signed_post(client, url, params, token)` does the same
through Django's test client.

Usage in other engineers' tests:

    with FakeTwilio() as fake:
        with override_settings(SMS_BACKEND="twilio", **fake.settings()):
            ...
        assert fake.sent[0].to == "+819011112222"
"""

from __future__ import annotations

import base64
import email.utils
import json
import secrets
import socket
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "fake-twilio-auth-token"
MESSAGING_SERVICE_SID = "MG" + "0" * 32
MAX_HANG_SECONDS = 30.0


@dataclass
class FakeMessage:
    sid: str
    to: str
    body: str
    sender: str
    status_callback: str
    created: float
    status: str = "queued"

    def resource(self) -> dict[str, Any]:
        created = email.utils.formatdate(self.created, usegmt=True)
        return {
            "sid": self.sid,
            "account_sid": ACCOUNT_SID,
            "to": self.to,
            "from": self.sender,
            "messaging_service_sid": MESSAGING_SERVICE_SID,
            "body": self.body,
            "status": self.status,
            "num_segments": "1",
            "direction": "outbound-api",
            "date_created": created,
            "date_updated": created,
            "date_sent": None,
            "error_code": None,
            "error_message": None,
            "price": None,
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{self.sid}.json",
        }


@dataclass
class Request:
    method: str
    path: str
    form: dict[str, str]
    at: float


@dataclass
class _State:
    sent: list[FakeMessage] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    script: list[object] = field(default_factory=list)
    fail_for: dict[str, tuple[int, int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(default_factory=threading.Condition)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; with Nagle's algorithm on, the second waits
        # for the client's delayed ACK (~40 ms), which would make the fake, not our code, the
        # bottleneck of every benchmark.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:
        return  # quiet: tests read the state, not the log

    def _authorised(self) -> bool:
        expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        return self.headers.get("Authorization", "") == f"Basic {expected}"

    def _send_json(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, code: int, text: str) -> None:
        self._send_json(
            status,
            {
                "code": code,
                "message": text,
                "status": status,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
            },
        )

    def _is_messages(self, path: str) -> bool:
        return path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if not self._is_messages(url.path):
            return self._error(404, 20404, "The requested resource was not found")
        if not self._authorised():
            return self._error(401, 20003, "Authenticate")
        query = dict(urllib.parse.parse_qsl(url.query))
        state = self.server.state
        with state.lock:
            found = [m for m in reversed(state.sent) if m.to == query.get("To", m.to)]
        self._send_json(
            200,
            {
                "messages": [m.resource() for m in found][: int(query.get("PageSize", 50))],
                "end": max(len(found) - 1, 0),
                "first_page_uri": url.path,
                "next_page_uri": None,
                "previous_page_uri": None,
                "page": 0,
                "page_size": 50,
                "start": 0,
                "uri": url.path,
            },
        )

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length", "0"))
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        state = self.server.state
        if not self._is_messages(url.path):
            return self._error(404, 20404, "The requested resource was not found")
        if not self._authorised():
            return self._error(401, 20003, "Authenticate")
        with state.arrived:
            state.requests.append(Request("POST", url.path, form, time.time()))
            step = state.script.pop(0) if state.script else "ok"
            failure = state.fail_for.get(form.get("To", ""))
            state.arrived.notify_all()
        if failure and step == "ok":
            step = ("error", *failure)
        if isinstance(step, tuple) and step[0] == "error":
            _, status, code = step
            return self._error(
                int(status), int(code), f"The 'To' number {form.get('To', '')} is not valid."
            )
        accepted = None
        if step == "ok" or (isinstance(step, tuple) and step[0] == "accept_then_hang"):
            accepted = self._accept(form)
        if isinstance(step, tuple) and step[0] in ("hang", "accept_then_hang"):
            time.sleep(min(float(step[1]), MAX_HANG_SECONDS))
            self.close_connection = True
            return None
        assert accepted is not None
        return self._send_json(201, accepted.resource())

    def _accept(self, form: dict[str, str]) -> FakeMessage:
        message = FakeMessage(
            sid="SM" + secrets.token_hex(16),
            to=form.get("To", ""),
            body=form.get("Body", ""),
            sender=form.get("From", "") or form.get("MessagingServiceSid", ""),
            status_callback=form.get("StatusCallback", ""),
            created=time.time(),
        )
        with self.server.state.lock:
            self.server.state.sent.append(message)
        return message


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: _State


class FakeTwilio:
    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = _State()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> FakeTwilio:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- configuration ----------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def settings(self) -> dict[str, object]:
        """Django settings that send SMS here (use with override_settings or as env)."""
        return {
            "SMS_BACKEND": "twilio",
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_MESSAGING_SERVICE_SID": MESSAGING_SERVICE_SID,
            "TWILIO_FROM_NUMBER": "",
            "TWILIO_API_BASE": self.url,
        }

    def env(self) -> dict[str, str]:
        return {key: str(value) for key, value in self.settings().items()}

    def script(self, *steps: object) -> None:
        with self._server.state.lock:
            self._server.state.script.extend(steps)

    @property
    def fail_for(self) -> dict[str, tuple[int, int]]:
        return self._server.state.fail_for

    # --- what happened ----------------------------------------------------------------------
    @property
    def sent(self) -> list[FakeMessage]:
        with self._server.state.lock:
            return list(self._server.state.sent)

    @property
    def requests(self) -> list[Request]:
        with self._server.state.lock:
            return list(self._server.state.requests)

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> bool:
        """Block until `count` POSTs arrived (bounded by `timeout`)."""
        deadline = time.monotonic() + timeout
        state = self._server.state
        with state.arrived:
            while len(state.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                state.arrived.wait(left)
        return True

    def callback(self, sid: str, status: str, error_code: str = "", timeout: float = 5) -> int:
        """POST a signed status callback for an accepted message, as Twilio would."""
        message = next(m for m in self.sent if m.sid == sid)
        params = {
            "MessageSid": sid,
            "MessageStatus": status,
            "AccountSid": ACCOUNT_SID,
            "To": message.to,
        }
        if error_code:
            params["ErrorCode"] = error_code
        data = urllib.parse.urlencode(params).encode()
        signature = RequestValidator(AUTH_TOKEN).compute_signature(message.status_callback, params)
        request = urllib.request.Request(
            message.status_callback,
            data=data,
            method="POST",
            headers={"X-Twilio-Signature": signature},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)


def signed_post(
    client: Any,
    url: str,
    params: dict[str, str],
    *,
    token: str = AUTH_TOKEN,
    host: str = "http://testserver",
) -> Any:
    """Post `params` to `url` through Django's test client, signed as Twilio signs."""
    signature = RequestValidator(token).compute_signature(host + url, params)
    return client.post(url, params, headers={"X-Twilio-Signature": signature})

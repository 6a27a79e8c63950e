"""An integrator's webhook receiver on 127.0.0.1, for tests and the webhook bench.

It answers each POST with the next status of its script (then 200), and keeps what it got.
`delivered` holds the bodies it answered 2xx to, keyed by event id, so a test can assert an
event arrived exactly once however many attempts it took.

    with FakeReceiver(script=[500, 503]) as receiver:
        ...  # subscribe receiver.url, book, deliver
        assert receiver.delivered_ids() == [event_id]
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    status: int
    at: float = 0.0

    def json(self) -> Any:
        return json.loads(self.body)


class FakeReceiver:
    def __init__(self, script: list[int] | None = None) -> None:
        self.script = list(script or [])
        self.received: list[Received] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Status line and body go out in two writes: without TCP_NODELAY the second waits
            # for the client's delayed ACK (40 ms), as no real receiver behind nginx does.
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    status = receiver.script.pop(0) if receiver.script else 200
                    receiver.received.append(
                        Received(dict(self.headers), body, status, time.time())
                    )
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def __enter__(self) -> FakeReceiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def delivered(self) -> list[Received]:
        with self.lock:
            return [r for r in self.received if 200 <= r.status < 300]

    def delivered_ids(self) -> list[str]:
        return [r.json()["id"] for r in self.delivered()]

    def counts(self) -> Counter[str]:
        return Counter(self.delivered_ids())

"""The pieces of a production host on 127.0.0.1, started as deploy/ starts them.

- the commands come from the systemd units' ExecStart= lines (with /srv/yurikago, %S and %H put
  to this checkout, a temporary state directory and a host name);
- the environment starts from deploy/yurikago.env.example, the file operators copy;
- nginx runs deploy/nginx/yurikago.conf, with only its ports, upstream, certificate and log paths
  moved to the temporary directory;
- an SMTP sink (aiosmtpd) collects what the application mails.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shlex
import signal
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message as EmailMessage
from pathlib import Path
from typing import Any

from .helpers import DEPLOY, ROOT

UNITS = DEPLOY / "systemd"
APP_DIR = "/srv/yurikago"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def env_file(path: Path) -> dict[str, str]:
    """The file as the settings (and systemd) read it."""
    from yurikago.env import parse_env_file

    return parse_env_file(path.read_text(), str(path))


def unit_directives(unit: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for line in (UNITS / unit).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            directives.setdefault(key.strip(), []).append(value.strip())
    return directives


def exec_start(unit: str, state_dir: Path) -> list[str]:
    """The unit's command line, for this checkout instead of /srv/yurikago."""
    line = unit_directives(unit)["ExecStart"][0]
    line = line.replace(APP_DIR, str(ROOT)).replace("%S", str(state_dir)).replace("%H", "stack")
    return shlex.split(line)


def units_for_this_checkout(target: Path) -> list[Path]:
    """Copies of the unit files with /srv/yurikago pointing here, for systemd-analyze verify."""
    target.mkdir(parents=True, exist_ok=True)
    copies = []
    for unit in sorted(UNITS.iterdir()):
        if unit.suffix in {".service", ".target", ".timer"}:
            copy = target / unit.name
            copy.write_text(unit.read_text().replace(APP_DIR, str(ROOT)))
            copies.append(copy)
    return copies


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "fullchain.pem", directory / "privkey.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


def nginx_site(*, https_port: int, http_port: int, upstream_port: int, tmp: Path) -> str:
    """deploy/nginx/yurikago.conf with loopback ports and temporary paths; nothing else."""
    site = (DEPLOY / "nginx" / "yurikago.conf").read_text()
    site = re.sub(r"^\s*listen \[::\].*\n", "", site, flags=re.M)
    site = site.replace("listen 443 ", f"listen 127.0.0.1:{https_port} ")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};")
    site = site.replace("/etc/ssl/yurikago/", f"{tmp}/")
    site = site.replace("/var/log/nginx/", f"{tmp}/")
    site = site.replace("/var/www/letsencrypt", str(tmp))
    return site


def nginx_main_config(tmp: Path, site: str, *, worker_connections: int = 256) -> Path:
    (tmp / "site.conf").write_text(site)
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / name).mkdir(exist_ok=True)
        (tmp / name).chmod(0o777)  # nginx's workers drop root and write request bodies here
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"""
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections {worker_connections}; }}
http {{
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
"""
    )
    return conf


@dataclass
class SmtpSink:
    """An SMTP server on 127.0.0.1 that keeps every message it receives."""

    port: int = field(default_factory=free_port)
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"

    def __enter__(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


@dataclass
class Processes:
    """Started processes, each in its own session so the whole group stops together."""

    logs: Path
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        log = open(self.logs / f"{name}.log", "wb")
        self.running[name] = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def check_alive(self) -> None:
        for name, process in self.running.items():
            if process.poll() is not None:
                raise AssertionError(f"{name} exited with {process.returncode}:\n{self.tail(name)}")

    def tail(self, name: str, lines: int = 40) -> str:
        path = self.logs / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.running.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Https:
    """Requests to nginx over TLS, verifying the test's certificate, from a chosen loopback
    address (127.0.0.1, 127.0.0.2, …: different clients as far as nginx can tell)."""

    port: int
    cafile: Path

    def request(
        self,
        method: str,
        path: str,
        *,
        source: str = "127.0.0.1",
        body: object = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        context = ssl.create_default_context(cafile=str(self.cafile))
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=context, source_address=(source, 0), timeout=30
        )
        payload = None if body is None else json.dumps(body).encode()
        all_headers = {"Accept": "application/json", **(headers or {})}
        if payload is not None:
            all_headers["Content-Type"] = "application/json"
        try:
            connection.request(method, path, body=payload, headers=all_headers)
            response = connection.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            connection.close()


def wait_for(condition: Any, *, timeout: float, what: str, processes: Processes) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes.check_alive()
        result = condition()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def run_manage(args: list[str], env: dict[str, str], timeout: float = 120) -> str:
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout

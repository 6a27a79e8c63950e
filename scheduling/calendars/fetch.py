"""Fetching a nurse's calendar address without letting it reach inside our network.

The address comes from a person, so it is treated as hostile: only http(s), every host is
resolved and checked at connect time (so DNS cannot answer differently between the check and the
connection), redirects are followed by hand and each hop is checked again, the body is capped
while it streams, and there is an overall deadline as well as socket timeouts. No cookies, no
proxies or .netrc from the environment, no credentials in the address.
"""

from __future__ import annotations

import http.cookiejar
import ipaddress
import re
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .errors import SyncError

USER_AGENT = "Yurikago calendar sync (+busy times only)"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    not_modified: bool
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""


class UnsafeAddress(Exception):
    # Not an OSError on purpose: urllib3 would wrap it and requests would call it a
    # connection error; it must come out as itself.
    pass


# IPv6 forms that carry an IPv4 address inside. NAT64's well-known prefix is how an IPv6-only
# network reaches IPv4 hosts (DNS64 answers with it), so its embedded address decides; the rest
# are deprecated or local to an operator and never a calendar server: refused whatever they carry.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_REFUSED_V6 = (
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # NAT64 local use (RFC 8215)
    ipaddress.IPv6Network("2002::/16"),  # 6to4 (deprecated, RFC 7526)
    ipaddress.IPv6Network("2001::/32"),  # Teredo
    ipaddress.IPv6Network("::ffff:0:0:0/96"),  # IPv4-translated (SIIT)
    ipaddress.IPv6Network("::/96"),  # IPv4-compatible (deprecated), ::, ::1
)


def address_allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Public unicast only; loopback too when the test setting allows it."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            return _public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.is_loopback:
        return bool(settings.CALENDAR_FETCH_ALLOW_LOOPBACK)
    if isinstance(ip, ipaddress.IPv6Address) and any(ip in net for net in _REFUSED_V6):
        return False
    return _public(ip)


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    # is_global is False for private, link-local (169.254.169.254, the cloud metadata address),
    # shared (100.64/10), reserved and unspecified ranges; multicast is refused separately.
    return ip.is_global and not ip.is_multicast


_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")


def host_name_valid(host: str) -> bool:
    """A name a resolver can take: IDNA-encodable, at most 253 octets, labels of 1-63 LDH
    characters. Checked before any lookup (a 300-character name made the codec raise)."""
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return False
    return 0 < len(ascii_host) <= 253 and all(_LABEL.fullmatch(x) for x in ascii_host.split("."))


class _Watchdog:
    """Shuts every socket of one fetch down when its deadline passes, whatever it is waiting
    for: a TLS handshake, a header line or a body byte. Per-read timeouts cannot do this: a
    server that sends one byte a second never lets a read time out.

    It keeps a duplicate of each socket's descriptor until the fetch ends, so the socket it
    shuts down is always this fetch's own (a closed descriptor's number could be reused)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._watched: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        _current.watchdog = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _current.watchdog = None
        with self._lock:
            for duplicate in self._watched:
                duplicate.close()
            self._watched.clear()

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if self.expired:
                raise TimeoutError("fetch deadline")
            self._watched.append(sock.dup())

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for duplicate in self._watched:
                try:
                    duplicate.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # not connected yet, or already closed by the other side


_current = threading.local()


def _checked_socket(
    host: str, port: int, timeout: float | None, source_address: tuple[str, int] | None
) -> socket.socket:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [info[4][0] for info in infos]
    for address in addresses:
        # A host string for IPv4 and IPv6; only a Python built without IPv6 support gives
        # (int, bytes) for an IPv6 result, an address we cannot check, so refused too.
        if not isinstance(address, str) or not address_allowed(
            ipaddress.ip_address(address.split("%")[0])
        ):
            # Never the address itself: a nurse must not learn what our DNS says about a name.
            raise UnsafeAddress("resolved")
    last_error: OSError | None = None
    for family, kind, proto, _name, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        try:
            watchdog: _Watchdog | None = getattr(_current, "watchdog", None)
            if watchdog is not None:
                watchdog.watch(sock)
                timeout = min(timeout or watchdog.remaining(), watchdog.remaining())
            if timeout is not None:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            last_error = exc
    raise last_error or OSError("no address")


class _CheckedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _connect(self)


class _CheckedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _connect(self)


def _connect(conn: HTTPConnection) -> socket.socket:
    # Same error mapping as urllib3's own _new_conn, with the address check in between.
    from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

    try:
        return _checked_socket(
            conn._dns_host,
            conn.port,
            conn.timeout,
            conn.source_address,
        )
    except socket.gaierror as exc:
        raise NameResolutionError(conn.host, conn, exc) from exc
    except TimeoutError as exc:
        raise ConnectTimeoutError(conn, f"connect timeout ({conn.timeout})") from exc
    except OSError as exc:
        raise NewConnectionError(conn, f"connection failed: {exc}") from exc


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }


def normalise_url(url: str) -> str:
    """webcal:// (what iCloud and Outlook hand out) is https://; anything else is checked."""
    url = url.strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    return url


def check_url(url: str) -> str:
    """The address if its form is acceptable, else SyncError("bad_address")."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise SyncError("bad_address", "unparsable") from exc
    allowed = ("https", "http") if settings.CALENDAR_FETCH_ALLOW_LOOPBACK else ("https",)
    if parts.scheme.lower() not in allowed:
        raise SyncError("bad_address", f"scheme {parts.scheme or 'missing'}")
    if not parts.hostname:
        raise SyncError("bad_address", "no host")
    if parts.username or parts.password:
        raise SyncError("bad_address", "credentials in address")
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    if literal is None and not host_name_valid(parts.hostname):
        raise SyncError("bad_address", "host name")
    if literal is not None and not address_allowed(literal):
        raise SyncError("unsafe_address", "literal")
    return urlunsplit(parts._replace(fragment=""))


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy variables, no ~/.netrc credentials
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    session.mount("http://", _CheckedAdapter(max_retries=0))
    session.mount("https://", _CheckedAdapter(max_retries=0))
    return session


def fetch(url: str, *, etag: str = "", last_modified: str = "") -> Fetched:
    """GET the calendar (conditionally when validators are given); raises SyncError.

    Each connect and read waits at most CALENDAR_FETCH_TIMEOUT; the whole fetch, redirects
    included, ends after twice that however slowly the server answers."""
    timeout = float(settings.CALENDAR_FETCH_TIMEOUT)
    url = check_url(normalise_url(url))
    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    with _Watchdog(2 * timeout) as watchdog, _session() as session:
        try:
            fetched = _follow(session, url, headers, timeout)
        except Exception:
            # Whatever the cut-off socket made the libraries raise, it was the deadline.
            if watchdog.expired:
                raise SyncError("timeout", "deadline") from None
            raise
        if watchdog.expired:  # the cut may look like the end of a body sent without a length
            raise SyncError("timeout", "deadline")
        return fetched


def _follow(
    session: requests.Session, url: str, headers: dict[str, str], timeout: float
) -> Fetched:
    for _hop in range(settings.CALENDAR_FETCH_MAX_REDIRECTS + 1):
        response = _get(session, url, headers, timeout)
        with response:
            if response.is_redirect:
                url = check_url(urljoin(url, response.headers.get("Location", "")))
                continue
            return _read(response)
    raise SyncError("too_many_redirects", str(settings.CALENDAR_FETCH_MAX_REDIRECTS))


def _get(
    session: requests.Session, url: str, headers: dict[str, str], timeout: float
) -> requests.Response:
    try:
        return session.get(
            url, headers=headers, stream=True, allow_redirects=False, timeout=(timeout, timeout)
        )
    except UnsafeAddress as exc:
        raise SyncError("unsafe_address", str(exc)) from None
    except requests.Timeout:
        raise SyncError("timeout", f"{timeout:g}s") from None
    except (requests.exceptions.InvalidURL, UnicodeError):
        raise SyncError("bad_address", "invalid") from None
    except requests.RequestException as exc:
        raise SyncError("connection", type(exc).__name__) from None


def _read(response: requests.Response) -> Fetched:
    if response.status_code == 304:
        return Fetched(
            not_modified=True,
            etag=response.headers.get("ETag", ""),
            last_modified=response.headers.get("Last-Modified", ""),
        )
    if response.status_code in (404, 410):
        raise SyncError("not_found", str(response.status_code))
    if response.status_code != 200:
        raise SyncError("http_status", str(response.status_code))
    limit = settings.CALENDAR_FETCH_MAX_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise SyncError("too_big", f"{int(declared)} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(CHUNK):
            size += len(chunk)
            if size > limit:
                raise SyncError("too_big", f"over {limit} bytes")
            chunks.append(chunk)
    except requests.RequestException as exc:
        if isinstance(exc, requests.exceptions.ConnectionError) and "timed out" in str(exc):
            raise SyncError("timeout", "read") from None
        raise SyncError("connection", type(exc).__name__) from None
    return Fetched(
        not_modified=False,
        body=b"".join(chunks),
        etag=response.headers.get("ETag", "")[:200],
        last_modified=response.headers.get("Last-Modified", "")[:100],
    )

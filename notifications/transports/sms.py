"""SMS through Twilio's REST API with the official `twilio` client.

Every call has a timeout. Twilio's error codes decide permanent versus transient: an invalid,
non-mobile or unsubscribed number will never work, so the message fails at once and falls back to
email; 5xx, 429 and network trouble are retried with backoff by the send task.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from .base import Outgoing, Sent, Transport, TransportError

# Twilio's own request logger prints query strings (which carry phone numbers when listing
# messages) at INFO: keep it quiet whatever the root level is.
_http_log = logging.getLogger("notifications.twilio_http")
_http_log.setLevel(logging.WARNING)

# https://www.twilio.com/docs/api/errors
PERMANENT_CODES = {
    21211: "invalid 'To' number",
    21214: "'To' number cannot be reached",
    21217: "'To' number is not valid",
    21408: "region not enabled",
    21610: "recipient unsubscribed (STOP)",
    21612: "'To' number not reachable from this sender",
    21614: "'To' number is not a mobile number",
    21635: "'To' number cannot receive SMS",
    30003: "unreachable handset",
    30005: "unknown destination handset",
    30006: "landline or unreachable carrier",
}
# Codes that mean "this account cannot send right now": retrying later may help.
TRANSIENT_CODES = {20429, 30001, 30022}


class RebasedTwilioHttpClient(TwilioHttpClient):
    """The stock client, sending to another base URL (the loopback fake in tests and benches)."""

    def __init__(self, base_url: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.base = urlsplit(base_url)

    def request(self, method: str, url: str, *args: object, **kwargs: object):
        parts = urlsplit(url)
        url = urlunsplit(
            (self.base.scheme, self.base.netloc, parts.path, parts.query, parts.fragment)
        )
        return super().request(method, url, *args, **kwargs)


def _scrub(text: str) -> str:
    """Provider messages quote the number; keep error texts free of it."""
    return re.sub(r"\+?\d[\d ()-]{5,}\d", "…", text)[:300]


def classify(exc: Exception) -> TransportError:
    if isinstance(exc, requests.Timeout):
        return TransportError("Twilio did not answer in time", permanent=False, code="timeout")
    if isinstance(exc, requests.ConnectionError):
        return TransportError("could not connect to Twilio", permanent=False, code="connection")
    status = getattr(exc, "status", None)
    code = getattr(exc, "code", None)
    text = _scrub(str(getattr(exc, "msg", "") or getattr(exc, "title", "") or ""))
    if isinstance(code, int) and code in PERMANENT_CODES:
        return TransportError(
            f"{PERMANENT_CODES[code]} ({text})" if text else PERMANENT_CODES[code],
            permanent=True,
            code=str(code),
        )
    if isinstance(code, int) and code in TRANSIENT_CODES:
        return TransportError(f"Twilio {code}: {text}", permanent=False, code=str(code))
    if isinstance(status, int) and (status >= 500 or status == 429):
        return TransportError(
            f"Twilio answered HTTP {status}", permanent=False, code=str(code or status)
        )
    if isinstance(status, int) and 400 <= status < 500:
        # Any other 4xx is a request Twilio will refuse again: do not hammer it.
        return TransportError(
            f"Twilio refused the message: HTTP {status} {text}",
            permanent=True,
            code=str(code or status),
        )
    return TransportError(f"Twilio error: {type(exc).__name__}", permanent=False, code="unknown")


# Where yurikago/urls.py mounts notifications.urls (a test checks it against reverse()). Not
# reversed at send time: one unreversible pattern anywhere in the URLconf must not stop SMS.
STATUS_CALLBACK_PATH = "/notifications/twilio/status/"


def status_callback_url(message_id: int) -> str:
    """Our status webhook, carrying our id so a callback can settle a send we failed to record."""
    base = settings.TWILIO_STATUS_CALLBACK_URL or settings.SITE_ROOT + STATUS_CALLBACK_PATH
    return f"{base}?m={message_id}"


@dataclass(frozen=True)
class ProviderRecord:
    sid: str
    body: str
    status: str
    created: dt.datetime | None


class TwilioSmsTransport(Transport):
    channel = "sms"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        messaging_service_sid: str,
        from_number: str,
        timeout: float,
        api_base: str = "",
    ) -> None:
        if not account_sid or not auth_token:
            raise TransportError(
                "Twilio is not configured (TWILIO_ACCOUNT_SID/AUTH_TOKEN)",
                permanent=True,
                code="config",
            )
        if not messaging_service_sid and not from_number:
            raise TransportError(
                "set TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER",
                permanent=True,
                code="config",
            )
        http = (
            RebasedTwilioHttpClient(api_base, timeout=timeout, logger=_http_log)
            if api_base
            else TwilioHttpClient(timeout=timeout, logger=_http_log)
        )
        self.client = Client(account_sid, auth_token, http_client=http)
        self.messaging_service_sid = messaging_service_sid
        self.from_number = from_number
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> TwilioSmsTransport:
        return _cached(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            settings.TWILIO_MESSAGING_SERVICE_SID,
            settings.TWILIO_FROM_NUMBER,
            float(settings.PROVIDER_TIMEOUT_SECONDS),
            settings.TWILIO_API_BASE,
        )

    def send(self, outgoing: Outgoing) -> Sent:
        sender: dict[str, str] = (
            {"messaging_service_sid": self.messaging_service_sid}
            if self.messaging_service_sid
            else {"from_": self.from_number}
        )
        try:
            created = self.client.messages.create(
                to=outgoing.recipient,
                body=outgoing.text,
                status_callback=status_callback_url(outgoing.message_id),
                **sender,
            )
        except (TwilioException, requests.RequestException) as exc:
            raise classify(exc) from None
        return Sent(provider_id=created.sid or "", status=created.status or "queued")

    def find_sent(self, *, recipient: str, since: dt.datetime) -> list[ProviderRecord]:
        """Messages Twilio holds for this number since `since` (for reconciling a crashed send)."""
        # Filtered by recipient only: DateSent stays empty while Twilio still queues a message,
        # so a date filter could hide exactly the message we are looking for. Newest first.
        try:
            found = self.client.messages.list(to=recipient, limit=50)
        except (TwilioException, requests.RequestException) as exc:
            raise classify(exc) from None
        return [
            ProviderRecord(
                sid=m.sid or "", body=m.body or "", status=m.status or "", created=m.date_created
            )
            for m in found
            if m.date_created is None or m.date_created >= since - dt.timedelta(minutes=1)
        ]


_clients: dict[tuple[object, ...], TwilioSmsTransport] = {}


def _cached(*key: object) -> TwilioSmsTransport:
    # One client (one connection pool) per configuration and process.
    if key not in _clients:
        sid, token, service, sender, timeout, base = key
        _clients[key] = TwilioSmsTransport(
            account_sid=str(sid),
            auth_token=str(token),
            messaging_service_sid=str(service),
            from_number=str(sender),
            timeout=float(timeout),  # type: ignore[arg-type]
            api_base=str(base),
        )
    return _clients[key]

"""Errors and logs without personal data: the administrators' error mail, Sentry, JSON log lines.

Every text that leaves through these paths goes through `scrub`, which replaces phone numbers,
email addresses and long secret tokens (calendar-feed URLs) with placeholders. Request bodies,
cookies, headers, query strings and local variables are never included at all: a reader learns
what failed and where (exception, traceback, method and path), not about whom.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import traceback
from typing import Any

from django.utils.log import AdminEmailHandler as DjangoAdminEmailHandler

_PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    # E.164 (+819011112222), Japanese numbers with hyphens (090-1111-2222, 03-3602-1284) or bare.
    (re.compile(r"\+\d{8,15}\b"), "[phone]"),
    (re.compile(r"(?<![\w-])0\d{1,4}-\d{1,4}-\d{3,4}\b"), "[phone]"),
    (re.compile(r"(?<![\w-])0\d{9,10}\b"), "[phone]"),
    # Secret tokens travel in URL paths (calendar feeds): a long opaque path segment.
    (re.compile(r"(?<=/)[A-Za-z0-9_-]{24,}"), "[token]"),
]


def scrub(text: str) -> str:
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


class PlainFormatter(logging.Formatter):
    """The human-readable log line, scrubbed."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json), for journald, Loki or Elasticsearch."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "process": record.process,
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["path"] = scrub(request.path)
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class AdminEmailHandler(DjangoAdminEmailHandler):
    """Mails ADMINS the error and where it happened, but not Django's full report (which
    holds the request's form values, cookies, headers and every frame's local variables)."""

    def emit(self, record: logging.LogRecord) -> None:
        request = getattr(record, "request", None)
        where = f"{request.method} {request.path}" if request is not None else record.name
        first_line = record.getMessage().splitlines()[0] if record.getMessage() else ""
        subject = self.format_subject(scrub(f"{record.levelname}: {first_line}"))
        details = ""
        if record.exc_info:
            details = "".join(traceback.format_exception(*record.exc_info))
        body = scrub(f"{where}\n\n{record.getMessage()}\n\n{details}")
        self.send_mail(subject, body, fail_silently=True)


def _scrub_values(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrub_values(item) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_values(item) for key, item in value.items()}
    return value


def sentry_before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Keep what failed and where; drop who and what they sent."""
    event.pop("user", None)
    event.pop("extra", None)
    request = event.get("request")
    if isinstance(request, dict):
        url = str(request.get("url", "")).split("?")[0]
        event["request"] = {"method": request.get("method", ""), "url": scrub(url)}
    for crumb in (event.get("breadcrumbs") or {}).get("values", []):
        crumb.pop("data", None)
    for value in (event.get("exception") or {}).get("values", []):
        for frame in (value.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    return _scrub_values(event)


def sentry_init(*, dsn: str, environment: str, transport: Any = None) -> None:
    """Errors to Sentry (or a compatible self-hosted service) when SENTRY_DSN is set."""
    import sentry_sdk

    options: dict[str, Any] = {}
    if transport is not None:  # tests capture events on the spot
        options["transport"] = transport
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        # What send_default_pii=False meant, in the SDK's current terms, and stricter: no user,
        # no bodies, no frame variables, no SQL parameters. before_send removes the rest.
        data_collection={
            "user_info": False,
            "http_bodies": [],
            "stack_frame_variables": False,
            "database_query_data": False,
        },
        max_request_body_size="never",
        traces_sample_rate=0,
        before_send=sentry_before_send,  # type: ignore[arg-type]
        **options,
    )

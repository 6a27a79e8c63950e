"""Idempotency-Key for POST /bookings/: a retry after a lost response books nothing twice.

The key row is inserted (and committed) before any work. The unique (owner, key) constraint
decides, among parallel requests, which one does the work; the others wait for its stored
response and return it. The same key with a different body is refused with 422.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.response import Response

from .exceptions import ApiError, problem_response
from .models import IdempotencyKey

KEY_MAX_LENGTH = 255
# A key is remembered this long; afterwards it may be used again for anything.
KEY_LIFETIME = dt.timedelta(hours=24)
# A first request that never finished (its process died) is given up after this.
STALE_AFTER = dt.timedelta(seconds=60)
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.05


def request_fingerprint(path: str, data: Any) -> str:
    canonical = json.dumps(
        {"path": path, "body": data}, sort_keys=True, default=str, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _claim(owner: str, key: str, fingerprint: str) -> IdempotencyKey | None:
    """Our new row if we are first; None if another request holds the key.

    A request runs in autocommit, where the INSERT alone commits (one round trip, not BEGIN,
    INSERT, COMMIT) and a refused one leaves nothing to roll back. Inside a transaction (a
    caller's, or a test's) a savepoint keeps that transaction usable after a refusal."""
    in_transaction = transaction.get_connection().in_atomic_block
    try:
        with transaction.atomic() if in_transaction else contextlib.nullcontext():
            return IdempotencyKey.objects.create(owner=owner, key=key, request_hash=fingerprint)
    except IntegrityError:
        return None


def _replay(row: IdempotencyKey) -> Response:
    response = Response(
        row.response_body, status=row.status_code, headers={"Idempotent-Replayed": "true"}
    )
    if row.status_code and row.status_code >= 400:
        response.content_type = "application/problem+json"
    return response


def _wait_for(owner: str, key: str, fingerprint: str) -> Response | None:
    """The stored response of the request that owns the key; None if that one was abandoned."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        row = IdempotencyKey.objects.filter(owner=owner, key=key).first()
        if row is None:
            return None  # expired or abandoned and removed: try to claim it ourselves
        now = timezone.now()
        if now - row.created_at > KEY_LIFETIME or (
            row.completed_at is None and now - row.created_at > STALE_AFTER
        ):
            IdempotencyKey.objects.filter(pk=row.pk).delete()
            return None
        if row.request_hash != fingerprint:
            raise ApiError(
                "idempotency_key_reused",
                _("This Idempotency-Key was used for a different request."),
                422,
            )
        if row.completed_at is not None:
            return _replay(row)
        if time.monotonic() > deadline:
            return problem_response(
                409,
                "idempotency_in_progress",
                _("A request with this Idempotency-Key is still being processed."),
                headers={"Retry-After": "1"},
            )
        time.sleep(POLL_SECONDS)


def run_once(*, owner: str, key: str, fingerprint: str, work: Callable[[], Response]) -> Response:
    """Run `work` once per (owner, key); every other call with the key gets its response."""
    if len(key) > KEY_MAX_LENGTH or not key.isprintable():
        raise ApiError(
            "invalid_idempotency_key",
            _("The Idempotency-Key header must be at most 255 printable characters."),
            400,
            field="Idempotency-Key",
        )
    for _attempt in range(3):
        row = _claim(owner, key, fingerprint)
        if row is None:
            replay = _wait_for(owner, key, fingerprint)
            if replay is not None:
                return replay
            continue
        try:
            response = work()
        except BaseException:
            # Nothing was done that a retry should see: let the next attempt do the work.
            IdempotencyKey.objects.filter(pk=row.pk).delete()
            raise
        IdempotencyKey.objects.filter(pk=row.pk).update(
            status_code=response.status_code,
            response_body=response.data,
            completed_at=timezone.now(),
        )
        return response
    return problem_response(
        409,
        "idempotency_in_progress",
        _("A request with this Idempotency-Key is still being processed."),
        headers={"Retry-After": "1"},
    )

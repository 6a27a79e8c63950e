"""Idempotency-Key for POST /bookings/: a retry after a lost response books nothing twice.

The key row is inserted (and committed) before any work, by a fixed statement that does nothing
when the key is taken. The unique (owner, key) constraint
decides, among parallel requests, which one does the work; the others wait for its stored
response and return it. The same key with a different body is refused with 422.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import Field
from django.utils import timezone
from django.utils.timezone import now
from django.utils.translation import gettext as _
from rest_framework.response import Response

from yurikago.db import prepared_cursor

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


def _key_sql() -> tuple[str, str]:
    """The claim and the completion as fixed statements over the model's table and columns."""
    qn = connection.ops.quote_name
    meta = IdempotencyKey._meta
    table = qn(meta.db_table)
    col = {f.name: qn(str(f.column)) for f in meta.concrete_fields}
    claim = (
        f"INSERT INTO {table} ({col['owner']}, {col['key']}, {col['request_hash']},"  # noqa: S608
        f" {col['created_at']}) VALUES (%s, %s, %s, %s)"
        f" ON CONFLICT ({col['owner']}, {col['key']}) DO NOTHING RETURNING {col['id']}"
    )
    complete = (
        f"UPDATE {table} SET {col['status_code']} = %s, {col['response_body']} = %s,"  # noqa: S608
        f" {col['completed_at']} = %s WHERE {col['id']} = %s"
    )
    return claim, complete


# By database vendor (built on first use, with that backend's quoting).
_KEY_SQL: dict[str, tuple[str, str]] = {}


def _sql() -> tuple[str, str]:
    return _KEY_SQL.get(connection.vendor) or _KEY_SQL.setdefault(connection.vendor, _key_sql())


def _claim(owner: str, key: str, fingerprint: str) -> int | None:
    """Our new row's id if we are first; None if another request holds the key.

    One fixed statement, prepared once per connection (issue 19): the unique (owner, key) decides
    as before, but a loser's INSERT does nothing instead of failing, so neither a savepoint (in
    a caller's transaction) nor a rollback is needed. In a request's autocommit it commits
    alone. A parallel INSERT of the same key waits for the first one's transaction, as the
    constraint did."""
    with prepared_cursor() as cursor:
        cursor.execute(_sql()[0], [owner, key, fingerprint, _db_value("created_at", now())])
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _complete(row_id: int, response: Response) -> None:
    """Store the answer for the retries (the fixed statement beside the claim's)."""
    with prepared_cursor() as cursor:
        cursor.execute(
            _sql()[1],
            [
                response.status_code,
                _db_value("response_body", response.data),
                _db_value("completed_at", now()),
                row_id,
            ],
        )


def _db_value(field: str, value: Any) -> Any:
    """`value` as the field's column takes it (JSON adapted, datetimes as the backend wants)."""
    model_field = IdempotencyKey._meta.get_field(field)
    assert isinstance(model_field, Field)
    return model_field.get_db_prep_save(value, connection)


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
            IdempotencyKey.objects.filter(pk=row).delete()
            raise
        _complete(row, response)
        return response
    return problem_response(
        409,
        "idempotency_in_progress",
        _("A request with this Idempotency-Key is still being processed."),
        headers={"Retry-After": "1"},
    )

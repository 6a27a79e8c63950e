"""PostgreSQL: a new booking, its event, its webhooks and her messages in ONE statement (issue 19).

A hold or a direct booking used to write five statements inside its transaction (the booking, its
event, the webhook deliveries, her channels' read, her messages), each a round trip and a
compilation by the ORM. Here they are data-modifying CTEs of one statement:

    WITH l AS (SELECT nurse, pg_advisory_xact_lock(nurse…), pg_advisory_xact_lock(room…)),
         b AS (INSERT booking … VALUES (…, (SELECT nurse FROM l), …) RETURNING id),
         e AS (INSERT event … VALUES ((SELECT id FROM b), …)),
         w AS (INSERT webhook deliveries … SELECT … (SELECT id FROM b) … RETURNING 1),
         m AS (INSERT messages … VALUES ((SELECT id FROM b), …), … ON CONFLICT DO NOTHING)
    SELECT id, (SELECT count(*) FROM w) FROM b

The booking's nurse is read from `l`, so PostgreSQL takes the nurse's and room's advisory locks
(booking_placement._lock_resources: writers of one nurse or room take turns) before it builds the
row, and so before the exclusion constraints check it: they stay the judge, and a refusal fails
the whole statement, leaving nothing half-written. The INSERTs are compiled by Django from the
models (every column, default and auto_now as `save()` would write it); only the links to the
new booking's id are SQL. Her channels (LINE, STOP) are read by the caller before the
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model
from django.db.models.constants import OnConflict
from django.db.models.expressions import RawSQL
from django.db.models.sql import InsertQuery

from notifications import webhooks
from notifications.models import Message
from notifications.tasks import wake_dispatcher_on_commit

from .models import Booking, BookingEvent

# The new booking's id, and its nurse once her locks are held, as SQL (constants: no input).
_NEW_BOOKING = "(SELECT id FROM b)"
_NEW_BOOKING_ID = RawSQL(_NEW_BOOKING, ())  # noqa: S611
_LOCKED_NURSE = RawSQL("(SELECT nurse FROM l)", ())


def _insert_sql(
    model: type[Model], objs: Sequence[Model], *, ignore_conflicts: bool = False
) -> tuple[str, list[Any]]:
    """Django's own INSERT of these unsaved rows (all concrete columns but the id), as SQL."""
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    query = InsertQuery(model, on_conflict=OnConflict.IGNORE if ignore_conflicts else None)
    query.insert_values(fields, list(objs))
    [(sql, params)] = query.get_compiler(connection=connection).as_sql()
    return sql, list(params)


def booking_insert(
    *,
    booking: Booking,
    event: BookingEvent,
    webhook_event: str | None,
    messages: list[Message],
    lock_keys: tuple[tuple[int, int], ...],
) -> Booking:
    """Insert the unsaved `booking` with its `event`, the webhook deliveries for
    `webhook_event` (None: none) and `messages`, in one statement, after taking the advisory
    locks `lock_keys` ((namespace, key) pairs, nurse first). Returns the booking, saved."""
    nurse_id = booking.nurse_id
    locks = ", ".join("pg_advisory_xact_lock(%s, %s)" for _ in lock_keys)
    params: list[Any] = [nurse_id, *(k for pair in lock_keys for k in pair)]
    parts = [f"l AS (SELECT %s::bigint AS nurse, {locks})"]

    booking.nurse_id = _LOCKED_NURSE
    try:
        sql, values = _insert_sql(Booking, [booking])
    finally:
        booking.nurse_id = nurse_id
    parts.append(f"b AS ({sql} RETURNING id)")
    params += values

    event.booking_id = _NEW_BOOKING_ID
    sql, values = _insert_sql(BookingEvent, [event])
    parts.append(f"e AS ({sql})")
    params += values

    if webhook_event is not None:
        sql, values = webhooks.webhooks_queue_statement(
            municipality_id=booking.municipality_id,
            event=webhook_event,
            payload=webhooks.booking_payload(booking),
            booking_id_sql=_NEW_BOOKING,
            now=event.at,
        )
    else:
        sql, values = "SELECT 1 WHERE false", []
    parts.append(f"w AS ({sql} RETURNING 1)" if webhook_event else f"w AS ({sql})")
    params += values

    if messages:
        for message in messages:
            message.booking_id = _NEW_BOOKING_ID
        sql, values = _insert_sql(Message, messages, ignore_conflicts=True)
        parts.append(f"m AS ({sql})")
        params += values

    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {', '.join(parts)} SELECT id, (SELECT count(*) FROM w) FROM b",  # noqa: S608
            params,
        )
        booking_id, webhooks_queued = cursor.fetchone()

    booking.pk = booking_id
    booking._state.adding = False
    booking._state.db = connection.alias
    event.booking = booking
    event._state.adding = False
    for message in messages:
        message.booking = booking
    if messages:
        wake_dispatcher_on_commit()
    if webhooks_queued:
        webhooks.wake_webhook_sender_on_commit()
    return booking

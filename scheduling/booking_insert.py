"""PostgreSQL: a new booking, its event, its webhooks and her messages in ONE statement (issue 19).

A hold or a direct booking used to write five statements inside its transaction (the booking, its
event, the webhook deliveries, her channels' read, her messages), each a round trip and a
compilation by the ORM. Here they are data-modifying CTEs of one statement:

    WITH l AS (SELECT nurse, pg_advisory_xact_lock(nurse…), pg_advisory_xact_lock(room…)),
         b AS (INSERT booking … SELECT …, (SELECT nurse FROM l), … FROM the booking's JSON
               RETURNING id),
         e AS (INSERT event … SELECT (SELECT id FROM b), … FROM the event's JSON),
         w AS (INSERT webhook deliveries … SELECT … (SELECT id FROM b) … RETURNING 1),
         m AS (INSERT messages … SELECT (SELECT id FROM b), … FROM the messages' JSON
               ON CONFLICT DO NOTHING),
         a AS (her site, and every site where the nurse has a rule, with their municipalities;
               a new booking only)
    SELECT id, (SELECT count(*) FROM w), the sites and municipalities of `a` FROM b

The booking's nurse is read from `l`, so PostgreSQL takes the nurse's and room's advisory locks
(booking_placement._lock_resources: writers of one nurse or room take turns) before it builds the
row, and so before the exclusion constraints check it: they stay the judge, and a refusal fails
the whole statement, leaving nothing half-written. Each table's rows travel as ONE JSON parameter
(jsonb_populate_record[set] against the table's own row type), every column but the id, each
value prepared by its field as `save()` prepares it. So the statement's text is fixed whatever
the number of messages: it is prepared once per connection (yurikago/db.py) and each booking
sends only its values. Only the links to the new booking's id and its locked nurse are SQL.
Her channels (LINE, STOP) are read by the caller before the transaction. `a` tells which sites'
cached availability the write ends (availability.availability_changed), so that needs no query
after commit (issue 19, fifth round).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection, models
from django.utils import timezone

from notifications import outbox, webhooks
from notifications.models import Message
from yurikago.db import prepared_cursor

from .availability.cache import affected_sites_sql
from .models import Booking, BookingEvent


@cache
def _fields(model: type[models.Model]) -> tuple[models.Field[Any, Any], ...]:
    fields = tuple(f for f in model._meta.local_concrete_fields if not f.primary_key)
    # What this shortcut does not do, Django's compiler would: fail loudly rather than differ.
    assert not any(f.has_db_default() or f.generated for f in fields), model
    return fields


def _select_from_json(model: type[models.Model], *, many: bool, sql_of: dict[str, str]) -> str:
    """INSERT INTO the model's table (every column but the id) SELECT them from a JSON
    parameter read as the table's row type; the columns in `sql_of` from SQL instead."""
    table = model._meta.db_table
    fields = _fields(model)
    source = "jsonb_populate_recordset" if many else "jsonb_populate_record"
    columns = ", ".join(f'"{f.column}"' for f in fields)
    values = ", ".join(sql_of.get(f.attname, f'j."{f.column}"') for f in fields)
    return (
        f'INSERT INTO "{table}" ({columns}) '  # noqa: S608 (names from the models)
        f'SELECT {values} FROM {source}(NULL::"{table}", %s::jsonb) j'
    )


def _json_default(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()  # full precision, unlike DjangoJSONEncoder's milliseconds
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} in a booking's row")


def _json_rows(objs: Sequence[models.Model]) -> str:
    """The rows' values as `save()` prepares them (pre_save: auto_now and the like), by
    column, as one JSON array; a JSON column's value goes in as the JSON it is."""
    return json.dumps(_values(objs), default=_json_default, ensure_ascii=False)


def _json_row(obj: models.Model) -> str:
    return json.dumps(_values([obj])[0], default=_json_default, ensure_ascii=False)


# How a column's value is prepared (issue 19, fourth round: Django's per-field preparation was a
# fifth of a booking's CPU). A plain value of Django's own field classes is, prepared for
# PostgreSQL, the value itself: a str or None (text), an int (integer), a bool (boolean), an
# aware datetime (timestamptz), a date. Only those are taken as they are; anything else (a naive
# datetime, an int in a text column, a field class of our own) goes through the field's own
# get_db_prep_save, as save() would.
_STR, _INT, _BOOL, _DATETIME, _DATE, _JSON, _FIELD = range(7)
_KIND_OF_CLASS: dict[type, int] = {
    models.CharField: _STR,
    models.TextField: _STR,
    models.URLField: _STR,
    models.EmailField: _STR,
    models.SlugField: _STR,
    models.IntegerField: _INT,
    models.SmallIntegerField: _INT,
    models.BigIntegerField: _INT,
    models.PositiveIntegerField: _INT,
    models.PositiveSmallIntegerField: _INT,
    models.PositiveBigIntegerField: _INT,
    models.BooleanField: _BOOL,
    models.DateTimeField: _DATETIME,
    models.DateField: _DATE,
    models.JSONField: _JSON,
}


def _kind(field: models.Field[Any, Any]) -> int:
    if isinstance(field, models.ForeignKey):
        return _INT if _kind(field.target_field) == _INT else _FIELD
    if type(field) is models.BigAutoField or type(field) is models.AutoField:
        return _INT
    return _KIND_OF_CLASS.get(type(field), _FIELD)


@cache
def _plan(
    model: type[models.Model],
) -> tuple[tuple[str, str, int, bool, models.Field[Any, Any]], ...]:
    """(column, attname, kind, presave, field) of each column written: `presave`, the field's
    own pre_save is called (auto_now and the like); a pre_save of a class of our own makes the
    column _FIELD (all of it done by the field)."""
    plan = []
    for f in _fields(model):
        kind = _kind(f)
        presave = type(f).pre_save is not models.Field.pre_save
        if presave and kind not in (_DATETIME, _DATE):
            kind = _FIELD
        plan.append((str(f.column), f.attname, kind, presave, f))
    return tuple(plan)


def _plain(kind: int, value: object) -> bool:
    """Is `value` one that its field's preparation would return unchanged?"""
    if value is None:
        return True
    if kind == _STR:
        return isinstance(value, str)
    if kind == _INT:
        return type(value) is int
    if kind == _BOOL:
        return type(value) is bool
    if kind == _DATETIME:
        return type(value) is dt.datetime and value.utcoffset() is not None
    return kind == _DATE and type(value) is dt.date


def _values(objs: Sequence[models.Model]) -> list[dict[str, object]]:
    plan = _plan(type(objs[0]))
    rows = []
    for obj in objs:
        attrs = obj.__dict__
        row: dict[str, object] = {}
        for column, attname, kind, presave, f in plan:
            if presave:
                value = f.pre_save(obj, True)
            else:
                value = attrs[attname] if attname in attrs else getattr(obj, attname)
            if kind == _JSON:
                pass  # a JSON column's value goes in as the JSON it is
            elif kind == _FIELD or not _plain(kind, value):
                value = f.get_db_prep_save(value, connection)
            row[column] = value
        rows.append(row)
    return rows


def _json_messages(booking: Booking, owed: Sequence[outbox.Owed]) -> str:
    """The message rows the booking owes her as one JSON array, as _json_rows would give them
    for the Message instances outbox.messages_from_owed makes, without making them: the
    columns' defaults prepared once a booking, then each row's own values (issue 19)."""
    now = timezone.now()  # auto_now(_add): one instant for every row
    base = _values([Message(municipality_id=booking.municipality_id, send_at=now)])[0]
    base.update(language=booking.language, created_at=now, updated_at=now)
    rows = [
        {
            **base,
            "purpose": o.purpose,
            "channel": o.channel,
            "recipient": o.recipient,
            "occurrence": o.occurrence,
            "send_at": o.send_at,
        }
        for o in owed
    ]
    return json.dumps(rows, default=_json_default, ensure_ascii=False)


_NEW_BOOKING = "(SELECT id FROM b)"


# A hold confirmed: the columns booking_confirm changes, the row kept only if its nurse is the
# one whose locks `l` holds (which also makes PostgreSQL take them before it updates the row).
_CONFIRM = (
    f'UPDATE "{Booking._meta.db_table}" SET "pregnancy_id" = %s, "status" = %s, '  # noqa: S608
    '"expires_at" = NULL, "confirmed_at" = %s, "notify_sms" = %s, "notify_email" = %s, '
    '"language" = %s, "updated_at" = %s WHERE "id" = %s AND "nurse_id" = (SELECT nurse FROM l)'
)


@cache
def _statement(*, confirm: bool) -> str:
    """The one statement, its text fixed (built once): a new booking, or a hold confirmed."""
    booking = (
        _CONFIRM
        if confirm
        else _select_from_json(Booking, many=False, sql_of={"nurse_id": "(SELECT nurse FROM l)"})
    )
    event = _select_from_json(BookingEvent, many=False, sql_of={"booking_id": _NEW_BOOKING})
    messages = _select_from_json(Message, many=True, sql_of={"booking_id": _NEW_BOOKING})
    delivery = webhooks.webhooks_queue_sql(booking_id_sql=_NEW_BOOKING)
    # Every part built from the models' names; every value is a parameter.
    return (
        "WITH l AS (SELECT %s::bigint AS nurse, pg_advisory_xact_lock(%s, %s), "  # noqa: S608
        "CASE WHEN %s::integer IS NULL THEN NULL ELSE pg_advisory_xact_lock(%s, %s) END), "
        f"b AS ({booking} RETURNING id), "
        f"e AS ({event}), "
        f"w AS ({delivery} RETURNING 1), "
        f"m AS ({messages} ON CONFLICT DO NOTHING) "
        + (
            # A hold confirmed changes no open slot (booking_placement._record): nothing to end.
            "SELECT id, (SELECT count(*) FROM w), NULL::integer[], NULL::integer[] FROM b"
            if confirm
            else f", a AS ({affected_sites_sql('%s::bigint', '(SELECT nurse FROM l)')}) "  # noqa: S608
            "SELECT id, (SELECT count(*) FROM w), "
            "ARRAY(SELECT site FROM a), ARRAY(SELECT municipality FROM a) FROM b"
        )
    )


def _lock_params(booking: Booking, lock_keys: tuple[tuple[int, int], ...]) -> list[Any]:
    (nurse_space, nurse_key), *room = lock_keys
    room_space, room_key = room[0] if room else (None, None)
    return [booking.nurse_id, nurse_space, nurse_key, room_key, room_space, room_key]


# The (site, municipality) pairs whose cached availability a write ends.
Affected = list[tuple[int, int]]


def _write(
    *,
    confirm: bool,
    params: list[Any],
    booking: Booking,
    event: BookingEvent,
    webhook_event: str | None,
    messages: list[outbox.Owed],
) -> tuple[int, Affected] | None:
    """Run the statement; the booking's id and the sites it affects (None: no row matched the
    UPDATE)."""
    params.append(_json_row(event))
    params += webhooks.webhooks_queue_params(
        municipality_id=booking.municipality_id,
        event=webhook_event,
        payload=webhooks.booking_payload(booking),
        now=event.at,
    )
    params.append(_json_messages(booking, messages) if messages else "[]")
    if not confirm:
        params.append(booking.site_id)
    with prepared_cursor() as cursor:
        cursor.execute(_statement(confirm=confirm), params)
        row = cursor.fetchone()
    if row is None:
        return None
    booking_id, webhooks_queued, sites, municipalities = row
    if messages:
        outbox.messages_queued_by_caller()
    if webhooks_queued:
        webhooks.wake_webhook_sender_on_commit()
    return int(booking_id), list(zip(sites or (), municipalities or (), strict=True))


def _saved(booking: Booking, event: BookingEvent) -> None:
    booking._state.adding = False
    booking._state.db = connection.alias
    event.booking = booking
    event._state.adding = False


def booking_insert(
    *,
    booking: Booking,
    event: BookingEvent,
    webhook_event: str | None,
    messages: list[outbox.Owed],
    lock_keys: tuple[tuple[int, int], ...],
) -> Affected:
    """Insert the unsaved `booking` (saved in place) with its `event`, the webhook deliveries
    for `webhook_event` (None: none) and `messages`, in one statement, after taking the
    advisory locks `lock_keys` ((namespace, key) pairs: the nurse's, then the room's if any).
    Returns the (site, municipality) pairs whose availability it changes."""
    params = [*_lock_params(booking, lock_keys), _json_row(booking)]
    written = _write(
        confirm=False,
        params=params,
        booking=booking,
        event=event,
        webhook_event=webhook_event,
        messages=messages,
    )
    assert written is not None, "an INSERT ... SELECT of one row returns it"
    booking.pk, affected = written
    _saved(booking, event)
    return affected


def booking_confirm_update(
    *,
    booking: Booking,
    event: BookingEvent,
    webhook_event: str | None,
    messages: list[outbox.Owed],
    lock_keys: tuple[tuple[int, int], ...],
) -> None:
    """The held `booking`, its confirmation already set on the instance (pregnancy, status,
    confirmed_at, her choices), written as ONE statement with its event, webhooks and
    messages, after the nurse's and room's advisory locks. A second active booking for the
    pregnancy and contact is refused by the partial unique constraints (IntegrityError). A hold
    confirmed changes no open slot, so it names no site whose availability it changes."""
    booking.updated_at = timezone.now()
    params = [
        *_lock_params(booking, lock_keys),
        booking.pregnancy_id,
        booking.status,
        booking.confirmed_at,
        booking.notify_sms,
        booking.notify_email,
        booking.language,
        booking.updated_at,
        booking.pk,
    ]
    written = _write(
        confirm=True,
        params=params,
        booking=booking,
        event=event,
        webhook_event=webhook_event,
        messages=messages,
    )
    assert written is not None and written[0] == booking.pk, "the hold is locked: it is there"
    _saved(booking, event)

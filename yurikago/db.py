"""A cursor for the few fixed statements on the booking's hot path (issue 19).

Django's PostgreSQL cursors bind parameters on the client: every execution quotes each value
into the SQL text, and PostgreSQL parses and plans the statement again (0.5–1 ms of planning for
the booking's two statements). `prepared_cursor()` binds on the server and prepares the
statement once per connection (psycopg keeps the prepared statements of each connection), so a
later execution sends only its values. It is wrapped by Django as any cursor is: the query log,
assertNumQueries and execute wrappers see it. Only for statements whose text is fixed (values
always as parameters), or the per-connection cache would fill with one-off statements.

DATABASE_PREPARED_STATEMENTS=false turns preparation off (a transaction-mode pooler older than
PgBouncer 1.21 cannot keep prepared statements); parameters are still bound on the server.
Elsewhere than PostgreSQL it is Django's own cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.db.backends.utils import CursorWrapper
from django.db.models import Model
from psycopg.pq import Format
from psycopg.types.numeric import Int8

# Django connects with psycopg's prepare_threshold=None (unless OPTIONS set it), and with None
# psycopg prepares nothing, not even when execute() asks (prepare=True): until the fourth round of
# issue 19 the "prepared" statements were parsed and planned at every execution. A threshold no
# statement reaches turns preparation on for the statements that ask for it only: Django's own
# cursors never ask, so nothing else is prepared.
_ONLY_WHEN_ASKED = 2**31


class _PreparingCursor(ServerBindingCursor):
    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        kwargs.setdefault("prepare", settings.DATABASE_PREPARED_STATEMENTS)
        return super().execute(query, params, **kwargs)  # type: ignore[misc]


def bigint(value: int) -> int:
    """An integer parameter sent as bigint whatever its size. psycopg sends a small int as
    smallint and a larger one as integer (and a list by its largest element), and a prepared
    statement is per parameter types: without this one statement text would be prepared up to
    three times per connection."""
    return Int8(value)


def prepared_cursor() -> CursorWrapper:
    """A cursor as `connection.cursor()` gives one, binding on the server and preparing."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    if connection.connection.prepare_threshold is None and settings.DATABASE_PREPARED_STATEMENTS:
        connection.connection.prepare_threshold = _ONLY_WHEN_ASKED
    raw: Any = _PreparingCursor(connection.connection)  # type: ignore[call-arg]
    # As Django's create_cursor: the connection's time zone for timestamptz values read.
    tzloader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    if connection.timezone != tzloader.timezone:
        register_tzloader(connection.timezone, raw)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


# A model's columns in order with each column's converters, by (model, database vendor): what a
# queryset works out for every row of every query (get_db_converters on ~60 fields a hold), once.
# The converters take the connection as an argument, so one list serves every connection of
# the vendor (threads each have their own).
_Shape = tuple[int, list[str], list[tuple[int, list[Any]]]]
_ROW_SHAPES: dict[tuple[type[Model], str], _Shape] = {}


def _row_shape(model: type[Model]) -> _Shape:
    fields = model._meta.concrete_fields
    attnames = [f.attname for f in fields]
    pk_at = attnames.index(model._meta.pk.attname)
    converters = []
    for i, f in enumerate(fields):
        col = f.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((i, [(convert, col) for convert in found]))
    return pk_at, attnames, converters


def instance_from_row[M: Model](model: type[M], values: Sequence[Any]) -> M | None:
    """An instance of `model` from its concrete columns' raw values in `_meta.concrete_fields`
    order (as plain SQL selecting them returns them), through the backend's and the fields'
    converters, as a queryset would. None when the primary key is NULL (a LEFT JOIN that found
    no row)."""
    key = (model, connection.vendor)
    shape = _ROW_SHAPES.get(key)
    if shape is None:
        shape = _ROW_SHAPES.setdefault(key, _row_shape(model))
    pk_at, attnames, converters = shape
    if values[pk_at] is None:
        return None
    if converters:
        values = list(values)
        for i, chain in converters:
            value = values[i]
            for convert, col in chain:
                value = convert(value, col, connection)
            values[i] = value
    return model.from_db(connection.alias, attnames, values)

"""Inserting many new rows of one model at once (imports): COPY on PostgreSQL, bulk_create
elsewhere.

Django's bulk_create builds a model instance and prepares every field of every row in Python; for
the notification import's 40,000 new rows (sign-ins, residents, pregnancies, notifications) that
was most of its time (bench/README.md). On PostgreSQL `insert_rows` takes the rows as plain
values, reserves their ids from the table's own sequence in one query and streams the rows with
COPY (psycopg's C encoder): two round trips per table and little Python. Elsewhere (SQLite: most
tests, the demo) it falls back to bulk_create with the same inputs and the same result.

Limits, on purpose: no signals (bulk_create sends none either), no save() or clean(), no field
conversion beyond what the driver does for str, int, bool, date, datetime and None: plain columns
only. A column a row leaves out gets the field's default, computed once per call (auto_now and
auto_now_add: the `now` given; a callable default: one value for every row). It must run inside
the caller's transaction: an error anywhere rolls back the whole import.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import F, Lookup, Q

BULK_CREATE_BATCH = 2000


def _column(model: type[models.Model], name: str) -> str:
    field: Any = model._meta.get_field(name)
    return str(field.column)


def _plain(value: Any) -> Any:
    # Choices (TextChoices are str enums): the driver would write an enum's name, not its value.
    return value.value if isinstance(value, enum.Enum) else value


def insert_rows(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    *,
    now: dt.datetime,
) -> list[int]:
    """Insert `rows` (each a dict of attname → value, every row with the same keys) as new rows
    of `model`; return their primary keys in the rows' order."""
    if not rows:
        return []
    keys = list(rows[0].keys())
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults: dict[str, Any] = {}
    for f in fields:
        if f.attname in keys:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        else:
            defaults[f.attname] = _plain(f.get_default())
    if connection.vendor != "postgresql":
        created = model._default_manager.bulk_create(
            [model(**defaults, **row) for row in rows], batch_size=BULK_CREATE_BATCH
        )
        return [obj.pk for obj in created]
    opts = model._meta
    assert opts.pk is not None
    columns = [str(opts.pk.column)]
    columns += [_column(model, name) for name in keys]
    columns += [str(f.column) for f in fields if f.attname in defaults]
    fixed = tuple(defaults.values())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, str(opts.pk.column), len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        q = connection.ops.quote_name
        statement = f"COPY {q(opts.db_table)} ({', '.join(q(c) for c in columns)}) FROM STDIN"
        # The raw cursor's errors are psycopg's: wrapped, a unique violation is Django's
        # IntegrityError, as bulk_create's would be (the API relies on it for a key sent twice).
        with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row((pk, *[row[name] for name in keys], *fixed))
    return ids


class _AnyOf(Lookup):
    """column = ANY(%s::type[]): the whole list as one array parameter, where `__in` makes one
    placeholder per value (10,000 of them cost the driver more than the query costs the server)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        db_type = (field.target_field if field.is_relation else field).db_type(connection)
        return f"{lhs} = ANY(%s::{db_type.split('(')[0]}[])", [*lhs_params, list(self.rhs)]


def any_of(name: str, values: Sequence[Any]) -> Q | _AnyOf:
    """A filter: the field (a path such as "user__phone" too) is one of `values`."""
    if connection.vendor == "postgresql":
        return _AnyOf(F(name), list(values))
    return Q(**{f"{name}__in": list(values)})


def update_rows(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Set columns `names` of existing rows; each row is (pk, *values in `names`' order). One
    UPDATE … FROM UNNEST on PostgreSQL, bulk_update's CASE … WHEN elsewhere."""
    if not rows:
        return
    opts = model._meta
    fields = [opts.get_field(name) for name in names]
    if connection.vendor != "postgresql":
        objs = []
        for pk, *values in rows:
            obj = model(pk=pk)
            for name, value in zip(names, values, strict=True):
                setattr(obj, name, value)
            objs.append(obj)
        model._default_manager.bulk_update(objs, list(names), batch_size=BULK_CREATE_BATCH)
        return
    assert opts.pk is not None
    q = connection.ops.quote_name
    table, pk = q(opts.db_table), q(str(opts.pk.column))
    columns = [_column(model, name) for name in names]
    typed: list[Any] = [opts.pk, *fields]
    types = [f.db_type(connection).split("(")[0] for f in typed]
    sets = ", ".join(f"{q(c)} = v.{q(c)}" for c in columns)
    arrays = ", ".join(f"%s::{t}[]" for t in types)
    names_v = ", ".join(q(c) for c in [str(opts.pk.column), *columns])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {sets} FROM UNNEST({arrays}) AS v({names_v}) "  # noqa: S608 (names from the model)
            f"WHERE {table}.{pk} = v.{pk}",
            [list(column) for column in zip(*rows, strict=True)],
        )

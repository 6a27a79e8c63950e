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

from typing import Any

from django.conf import settings
from django.db import connection
from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.db.backends.utils import CursorWrapper
from psycopg.pq import Format

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

"""Date arithmetic in the database's own functions, for the booking aggregates."""

from __future__ import annotations

import datetime as dt

from django.db.models import DateField, FloatField, Func

# Django's portable date arithmetic runs as Python functions inside SQLite, once per row and per
# use; over 30,000 bookings and a dozen buckets that alone took seconds. These use SQLite's
# native julianday()/date() and PostgreSQL's operators instead.


class DaysBetween(Func):
    """later − earlier, in (fractional) days."""

    output_field = FloatField()

    def _parts(self, compiler, connection):
        later, p1 = compiler.compile(self.source_expressions[0])
        earlier, p2 = compiler.compile(self.source_expressions[1])
        return later, earlier, (*p1, *p2)

    def as_sqlite(self, compiler, connection, **extra):
        later, earlier, params = self._parts(compiler, connection)
        return f"(julianday({later}) - julianday({earlier}))", params

    def as_sql(self, compiler, connection, **extra):
        later, earlier, params = self._parts(compiler, connection)
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)", params


class LocalDate(Func):
    """The local calendar date of a UTC timestamp (SQLite: a fixed offset for the period, which
    is exact for zones without daylight saving such as Asia/Tokyo)."""

    output_field = DateField()

    def __init__(self, expression: object, tz: dt.tzinfo, at: dt.datetime) -> None:
        super().__init__(expression)
        self.tz_name = str(tz)
        offset = at.astimezone(tz).utcoffset() or dt.timedelta(0)
        self.offset_minutes = int(offset.total_seconds() // 60)

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, %s)", (*params, f"{self.offset_minutes:+d} minutes")

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) AT TIME ZONE %s)::date", (*params, self.tz_name)


class DaysUntil(Func):
    """A date column minus another date expression, in whole days."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        later, p1 = compiler.compile(self.source_expressions[0])
        earlier, p2 = compiler.compile(self.source_expressions[1])
        return f"(julianday({later}) - julianday({earlier}))", (*p1, *p2)

    def as_sql(self, compiler, connection, **extra):
        later, p1 = compiler.compile(self.source_expressions[0])
        earlier, p2 = compiler.compile(self.source_expressions[1])
        return f"(({later}) - ({earlier}))::float", (*p1, *p2)

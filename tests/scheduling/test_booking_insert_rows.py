"""The booking's one statement takes each row as JSON (scheduling/booking_insert.py). Its values
skip Django's per-field preparation where the value is already what that preparation returns
(issue 19, fourth round): each row must be, column for column, what the fields themselves
prepare, whatever the value's type (a choice, a naive datetime, an int in a text column)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection, models

from notifications.models import Message
from scheduling.booking_insert import _json_default, _values
from scheduling.models import Booking, BookingEvent
from tests.base import BaseTestCase, tokyo

START = tokyo(2026, 12, 8, 10)


def _prepared(obj: models.Model) -> dict[str, Any]:
    """The row as save() would prepare it: every field's pre_save and get_db_prep_save."""
    row: dict[str, Any] = {}
    for f in obj._meta.local_concrete_fields:
        if f.primary_key:
            continue
        value = f.pre_save(obj, True)
        if not isinstance(f, models.JSONField):
            value = f.get_db_prep_save(value, connection)
        row[str(f.column)] = value
    return row


def _json(row: dict[str, Any]) -> dict[str, Any]:
    """As the statement reads it (auto_now columns: the instants differ by microseconds)."""
    out = json.loads(json.dumps(row, default=_json_default, ensure_ascii=False))
    for column in ("created_at", "updated_at"):
        out.pop(column, None)
    return out


class BookingInsertRowsTest(BaseTestCase):
    def _booking(self, **values: Any) -> Booking:
        return Booking(
            municipality=self.w.katsushika,
            site=self.w.aoto,
            nurse=self.w.nurse_sato,
            interview_type=self.w.itype,
            mode="in_person",
            room=1,
            start=START,
            end=START + dt.timedelta(minutes=30),
            blocked_until=START + dt.timedelta(minutes=40),
            status=Booking.Status.CONFIRMED,
            confirmed_at=START - dt.timedelta(days=1),
            language="ja",
            **values,
        )

    def test_each_row_is_what_the_fields_prepare(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("the one statement, and its rows, are PostgreSQL's")
        bookings = [
            self._booking(),
            self._booking(hold_owner=123, notify_sms=1, sequence=True),  # odd types: the fields'
            self._booking(expires_at=dt.datetime(2026, 12, 8, 10, 5)),  # naive: made aware
        ]
        event = BookingEvent(
            booking_id=1, kind=BookingEvent.Kind.CONFIRMED, data={"start": START.isoformat()}
        )
        message = Message(
            booking_id=1,
            municipality=self.w.katsushika,
            purpose=Message.Purpose.CONFIRMATION,
            channel=Message.Channel.SMS,
            recipient="+819012345678",
            send_at=START,
            context={"a": [1, "二"]},
        )
        # Django warns of the naive datetime as it makes it aware, as save() would: expected.
        with self.assertWarnsRegex(RuntimeWarning, "naive datetime"):
            for obj in [*bookings, event, message]:
                with self.subTest(obj=type(obj).__name__, values=obj.__dict__):
                    self.assertEqual(_json(_values([obj])[0]), _json(_prepared(obj)))
        # The auto_now columns are written, as save() writes them.
        row = _values([message])[0]
        created, updated = row["created_at"], row["updated_at"]
        assert isinstance(created, dt.datetime) and isinstance(updated, dt.datetime)
        self.assertIsNotNone(created.utcoffset())
        self.assertIsNotNone(updated.utcoffset())

    def test_her_messages_are_the_rows_their_instances_would_be(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("the one statement, and its rows, are PostgreSQL's")
        from notifications.outbox import Owed, messages_from_owed
        from scheduling.booking_insert import _json_messages, _json_rows

        booking = self._booking(pregnancy=self.w.hanako_pregnancy)
        booking.language = "en"
        owed = [
            Owed("confirmation", "sms", "+819012345678", "", START - dt.timedelta(days=2)),
            Owed("reminder", "email", "hanako@example.jp", "24h-s0", START - dt.timedelta(1)),
        ]
        rows = [_json(r) for r in json.loads(_json_messages(booking, owed))]
        made = [_json(r) for r in json.loads(_json_rows(messages_from_owed(booking, owed)))]
        self.assertEqual(rows, made)
        self.assertEqual([r["language"] for r in rows], ["en", "en"])

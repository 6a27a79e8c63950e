"""The booking hot path costs a fixed number of queries, whatever the data around it."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from scheduling.models import Booking, Pregnancy
from scheduling.services import booking_confirm, booking_create, booking_hold
from tests.base import BaseTestCase, tokyo

START = tokyo(2026, 12, 8, 10)
# The contact of the interview type (issue 15), the savepoint, the
# site read inside the transaction, the one start's check (issue 19: the chosen day's rules,
# closures, time off, busy blocks and bookings of those nurses and that site: five reads on
# SQLite, ONE round trip on PostgreSQL, instead of the engine's six over the site's day), the
# booking written confirmed and its one event, the opt-out check and one INSERT for all
# messages. PostgreSQL reads the site under its share lock and takes the nurse's and room's
# advisory locks. Issue 18 adds one INSERT … SELECT for integrators' webhooks (a row per
# subscription that wants the event, none looked up first;
# tests/webhooks/test_booking_queries_with_webhooks.py). Issue 19 also dropped the sweep of
# expired holds from the path (the beat task sweeps; on PostgreSQL an expired hold still in
# the way trips the exclusion constraint, which sweeps and tries again), and the active-booking
# check before booking (the partial unique constraints refuse a second one; only a refusal
# asks, tests/scheduling/test_booking_already_booked_first.py): was 16 and 18.
# Third round of issue 19, PostgreSQL: her channels (LINE, STOP) read before the transaction;
# inside it two statements: the site under its share lock WITH the day's rows, then the
# advisory locks, the booking, its event, the webhooks and her messages as one statement
# (scheduling/booking_insert.py). Counted: contact, channels, savepoint, the two, release: 6.
# Fourth round, PostgreSQL: nothing read before the transaction; the type's contact, her LINE
# user and STOP come with the site and the day in its one read (intervals.booking_reads_locked).
# Counted: savepoint, the read, the write, release: 4 (a hold the same, without her channels).
CREATE_QUERIES = {"sqlite": 14, "postgresql": 4}
# The same without the messages (opt-out check, INSERT). Seventh round of issue 19, PostgreSQL:
# a hold first reads its day in one statement outside the transaction, so that a refusal needs
# none (tests/scheduling/test_hold_refused_without_a_transaction.py): that read, savepoint,
# the read under the site's lock, the write, release: 5.
HOLD_QUERIES = {"sqlite": 11, "postgresql": 5}
# A hold confirmed (the rush's second request): her channels before the transaction; the hold's
# row locked; on PostgreSQL its advisory locks, UPDATE, event, webhooks and messages as one
# statement (no "another booking for this contact?" read: the partial unique constraints).
# Counted on PostgreSQL: channels, savepoint, the hold, the one statement, release: 5. SQLite
# writes the row, event, webhooks and messages as four statements: 8.
# Fourth round: her LINE user and STOP come with the hold's locked row (two subqueries of that
# read), not in a read of their own: PostgreSQL savepoint, the hold, the one statement,
# release: 4; SQLite 7.
CONFIRM_QUERIES = {"sqlite": 7, "postgresql": 4}


class BookingQueriesTest(BaseTestCase):
    def test_booking_create_costs_the_same_with_an_empty_or_a_busy_day(self) -> None:
        with self.assertNumQueries(CREATE_QUERIES[connection.vendor]):
            booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=START,
                pregnancy=self.w.hanako_pregnancy,
                notify_email=True,
            )
        for hour in (9, 11, 13, 14, 15):
            pregnancy = Pregnancy.objects.create(resident=self.w.mei, due_date=dt.date(2027, 6, 1))
            booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=tokyo(2026, 12, 8, hour),
                pregnancy=pregnancy,
            )
        with self.assertNumQueries(CREATE_QUERIES[connection.vendor]):
            booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=START,
                pregnancy=self.w.mei_pregnancy,
                notify_email=True,
            )
        self.assertEqual(Booking.objects.filter(start=START, status="confirmed").count(), 2)

    def test_a_hold_costs_a_fixed_number_of_queries(self) -> None:
        with self.assertNumQueries(HOLD_QUERIES[connection.vendor]):
            booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=START)

    def test_confirming_a_hold_costs_a_fixed_number_of_queries(self) -> None:
        hold = booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=START)
        with self.assertNumQueries(CONFIRM_QUERIES[connection.vendor]):
            booking = booking_confirm(
                booking=hold, pregnancy=self.w.hanako_pregnancy, notify_email=True
            )
        self.assertEqual(booking.status, "confirmed")
        self.assertEqual(Booking.objects.get(pk=hold.pk).pregnancy_id, self.w.hanako_pregnancy.pk)
        self.assertEqual(booking.messages.filter(purpose="confirmation").count(), 2)  # SMS, email

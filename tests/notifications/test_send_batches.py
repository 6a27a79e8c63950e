"""The dispatcher hands claimed rows to the workers in batches; inside a batch every row keeps
its own claim, so a batch delivered twice, cut short, or holding a row that is no longer worth
sending still sends each message once. A batch reads its rows once and takes their attempts in
one statement; what changes between that read and the take is still seen."""

from __future__ import annotations

import time_machine
from django.conf import settings
from django.test import override_settings

from notifications.checks import lease_outlasts_the_send_tasks
from notifications.dispatch import SendBatch, message_send, messages_claim_due
from notifications.models import Message, SmsOptOut
from notifications.tasks import SEND_BATCH_SIZE, send_messages
from scheduling.services import booking_cancel, booking_reschedule
from tests.base import tokyo
from tests.fakes.twilio import signed_post
from tests.notifications.helpers import FakeTwilioTestCase, login_codes_due

WEDNESDAY_10 = tokyo(2026, 12, 2, 10)


class SendBatchesTest(FakeTwilioTestCase):
    def make_due(self, count: int) -> list[Message]:
        return login_codes_due(self.w.katsushika, count, send_at=WEDNESDAY_10)

    def claims(self) -> list[list[int]]:
        return [list(pair) for pair in messages_claim_due(now=WEDNESDAY_10)]

    def recipients(self) -> list[str]:
        return [request.form["To"] for request in self.twilio.requests]

    def test_every_row_of_a_dispatch_larger_than_a_batch_is_sent_once(self) -> None:
        self.make_due(SEND_BATCH_SIZE + 5)
        with time_machine.travel(WEDNESDAY_10, tick=False):
            result = self.dispatch()
        self.assertEqual(result.enqueued, SEND_BATCH_SIZE + 5)
        self.assertEqual(len(self.recipients()), SEND_BATCH_SIZE + 5)
        self.assertEqual(len(set(self.recipients())), SEND_BATCH_SIZE + 5)
        self.assertFalse(Message.objects.exclude(status="sent", attempts=1).exists())

    def test_a_batch_delivered_twice_sends_nothing_twice(self) -> None:
        self.make_due(5)
        with time_machine.travel(WEDNESDAY_10, tick=False):
            claims = self.claims()
            self.assertEqual(send_messages.apply(args=(claims,)).get(), ["sent"] * 5)
            self.assertEqual(send_messages.apply(args=(claims,)).get(), ["ignored"] * 5)
        self.assertEqual(len(self.recipients()), 5)

    def test_a_batch_redelivered_after_a_crash_sends_only_the_rows_it_never_reached(self) -> None:
        self.make_due(4)
        with time_machine.travel(WEDNESDAY_10, tick=False):
            claims = self.claims()
            for message_id, claim in claims[:2]:  # the worker got this far, then died
                message_send(message_id=message_id, claim=claim)
            outcomes = send_messages.apply(args=(claims,)).get()
        self.assertEqual(outcomes, ["ignored", "ignored", "sent", "sent"])
        self.assertEqual(len(self.recipients()), 4)
        self.assertEqual(len(set(self.recipients())), 4)

    def test_a_row_cancelled_between_claim_and_send_is_not_sent_and_the_rest_are(self) -> None:
        booking = self.book()
        self.make_due(2)
        with time_machine.travel(WEDNESDAY_10, tick=False):
            self.dispatch(limit=0)  # skip what is stale, claim nothing yet
            claims = self.claims()
            booking_cancel(booking=booking, staff=True)
            send_messages.apply(args=(claims,))
        reminder = self.row(booking, "reminder", occurrence="24h-s0")
        self.assertIn([reminder.pk, reminder.claim], claims)
        self.assertEqual(reminder.status, Message.Status.CANCELLED)
        self.assertNotIn(reminder.recipient, self.recipients())  # nor her confirmation
        self.assertEqual(Message.objects.filter(purpose="login_code", status="sent").count(), 2)

    def test_one_rows_permanent_failure_does_not_stop_the_others(self) -> None:
        rows = self.make_due(3)
        self.twilio.fail_for[rows[0].recipient] = (400, 21211)
        with time_machine.travel(WEDNESDAY_10, tick=False):
            outcomes = send_messages.apply(args=(self.claims(),)).get()
        self.assertEqual(outcomes, ["failed", "sent", "sent"])
        rows[0].refresh_from_db()
        self.assertEqual(rows[0].error_code, "21211")

    def test_a_transient_failure_in_a_batch_is_retried_alone(self) -> None:
        self.make_due(3)
        self.twilio.script(("error", 500, 20500))
        with time_machine.travel(WEDNESDAY_10, tick=False):
            outcomes = send_messages.apply(args=(self.claims(),)).get()
        self.assertEqual(outcomes, ["retry", "sent", "sent"])
        self.assertEqual(Message.objects.filter(status="sent").count(), 3)
        self.assertEqual(sorted(Message.objects.values_list("attempts", flat=True)), [1, 1, 2])

    def send_batch(self, batch: SendBatch, claims: list[list[int]]) -> list[str]:
        try:
            return [batch.send(message_id, claim) for message_id, claim in claims]
        finally:
            batch.record()

    def test_a_booking_cancelled_between_the_read_and_the_take_is_not_sent(self) -> None:
        booking = self.book()
        with time_machine.travel(WEDNESDAY_10, tick=False):
            self.dispatch(limit=0)
            claims = self.claims()
            batch = SendBatch.read([(m, c) for m, c in claims])
            booking_cancel(booking=booking, staff=True)
            batch.take()
            self.send_batch(batch, claims)
        reminder = self.row(booking, "reminder", occurrence="24h-s0")
        self.assertIn([reminder.pk, reminder.claim], claims)
        self.assertEqual(reminder.status, Message.Status.CANCELLED)
        self.assertEqual(reminder.attempts, 1)  # taken once, by the one-row path
        self.assertNotIn(reminder.recipient, self.recipients())

    def test_a_booking_moved_between_the_read_and_the_take_is_not_reminded_of_the_old_time(
        self,
    ) -> None:
        booking = self.book()
        with time_machine.travel(WEDNESDAY_10, tick=False):
            self.dispatch(limit=0)
            claims = self.claims()
            batch = SendBatch.read([(m, c) for m, c in claims])
            booking_reschedule(booking=booking, start=tokyo(2026, 12, 3, 14), staff=True)
            batch.take()
            self.send_batch(batch, claims)
        reminder = self.row(booking, "reminder", occurrence="24h-s0")
        self.assertEqual(reminder.status, Message.Status.CANCELLED)
        self.assertEqual(reminder.error_code, "booking_changed")

    def test_a_stop_between_the_read_and_the_take_skips_her_sms(self) -> None:
        rows = self.make_due(2)
        with time_machine.travel(WEDNESDAY_10, tick=False):
            claims = self.claims()
            batch = SendBatch.read([(m, c) for m, c in claims])
            SmsOptOut.objects.create(phone=rows[0].recipient, keyword="STOP")
            batch.take()
            outcomes = self.send_batch(batch, claims)
        self.assertEqual(outcomes, ["skipped", "sent"])
        self.assertEqual(self.recipients(), [rows[1].recipient])

    def test_sends_are_recorded_with_their_provider_ids_and_codes_wiped(self) -> None:
        rows = self.make_due(3)
        with time_machine.travel(WEDNESDAY_10, tick=False):
            claims = self.claims()
            self.send_batch(SendBatch.prepare([(m, c) for m, c in claims]), claims)
        sids = {message.to: message.sid for message in self.twilio.sent}
        for row in rows:
            row.refresh_from_db()
            self.assertEqual((row.status, row.attempts), (Message.Status.SENT, 1))
            self.assertEqual(row.provider_id, sids[row.recipient])
            self.assertEqual(row.context, {})
            self.assertIsNone(row.attempt_started_at)
            self.assertIsNone(row.lease_until)

    @override_settings(SITE_ROOT="http://testserver")
    def test_a_delivery_report_that_beats_the_record_keeps_its_status(self) -> None:
        [row] = self.make_due(1)
        with time_machine.travel(WEDNESDAY_10, tick=False):
            claims = self.claims()
            batch = SendBatch.prepare([(m, c) for m, c in claims])
            self.assertEqual(batch.send(*claims[0]), "sent")
            sid = self.twilio.sent[0].sid
            params = {"MessageSid": sid, "MessageStatus": "delivered"}
            response = signed_post(self.client, f"/notifications/twilio/status/?m={row.pk}", params)
            self.assertEqual(response.status_code, 200)
            batch.record()
        row.refresh_from_db()
        self.assertEqual((row.status, row.provider_id), (Message.Status.DELIVERED, sid))

    def test_a_row_outlives_its_batch_before_the_reconciler_may_touch_it(self) -> None:
        # The batch takes every row's attempt at its start; the lease must outlast the whole
        # batch, which the worker kills at its hard time limit.
        self.assertGreater(settings.MESSAGE_LEASE_SECONDS, send_messages.time_limit)
        self.assertEqual(lease_outlasts_the_send_tasks(), [])

    def test_a_lease_shorter_than_a_batch_is_reported_by_the_system_checks(self) -> None:
        with override_settings(MESSAGE_LEASE_SECONDS=60):
            [warning] = lease_outlasts_the_send_tasks()
        self.assertEqual(warning.id, "notifications.W001")
        self.assertIn("MESSAGE_LEASE_SECONDS (60)", warning.msg)

"""A send whose worker died is settled from the database and Twilio's records: never lost,
never sent twice. (tests/notifications/test_celery_worker.py kills a real worker.)"""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import override_settings

from notifications.dispatch import messages_claim_due
from notifications.models import Message
from tests.base import NOW
from tests.notifications.helpers import FakeTwilioTestCase

LATER = NOW + dt.timedelta(seconds=301)  # past the default 300 s lease


class ReconcileStuckSendsTest(FakeTwilioTestCase):
    def crash_during_send(self, *, twilio_got_it: bool) -> Message:
        """Claim the confirmation, take the attempt, 'call' Twilio, then die."""
        booking = self.book()
        row = self.row(booking)
        [(message_id, _claim)] = [c for c in messages_claim_due(now=NOW) if c[0] == row.pk]
        Message.objects.filter(pk=message_id).update(attempt_started_at=NOW, attempts=1)
        if twilio_got_it:
            from notifications.dispatch import _load, _outgoing
            from notifications.transports.sms import TwilioSmsTransport

            TwilioSmsTransport.from_settings().send(_outgoing(_load(message_id)))
        return Message.objects.get(pk=message_id)

    def test_a_message_twilio_accepted_is_recorded_without_resending(self) -> None:
        row = self.crash_during_send(twilio_got_it=True)
        with time_machine.travel(LATER, tick=False):
            self.dispatch()
        row.refresh_from_db()
        self.assertEqual(row.status, Message.Status.SENT)
        self.assertEqual(row.provider_id, self.twilio.sent[0].sid)
        self.assertEqual(len(self.twilio.requests), 1)

    def test_a_message_twilio_never_got_is_sent_again_once(self) -> None:
        row = self.crash_during_send(twilio_got_it=False)
        with time_machine.travel(LATER, tick=False):
            self.dispatch()
            self.dispatch()
        row.refresh_from_db()
        self.assertEqual(row.status, Message.Status.SENT)
        self.assertEqual(len(self.twilio.sent), 1)
        self.assertEqual(row.attempts, 2)

    def test_nothing_happens_before_the_lease_runs_out(self) -> None:
        row = self.crash_during_send(twilio_got_it=False)
        with time_machine.travel(NOW + dt.timedelta(seconds=60), tick=False):
            self.dispatch()
        row.refresh_from_db()
        self.assertEqual(row.status, Message.Status.SENDING)
        self.assertEqual(self.twilio.requests, [])

    def test_if_twilio_cannot_be_asked_it_waits_for_the_next_round(self) -> None:
        row = self.crash_during_send(twilio_got_it=False)
        self.twilio.stop()  # Twilio unreachable: the lookup fails, nothing is resent blindly
        with time_machine.travel(LATER, tick=False):
            self.dispatch()
        row.refresh_from_db()
        self.assertEqual(row.status, Message.Status.SENDING)
        self.assertIsNotNone(row.attempt_started_at)

    def test_a_lost_task_with_no_attempt_in_flight_is_simply_claimed_again(self) -> None:
        booking = self.book()
        messages_claim_due(now=NOW)  # claimed, but the broker lost the task
        with time_machine.travel(LATER, tick=False):
            self.dispatch()
        row = self.row(booking)
        self.assertEqual(row.status, Message.Status.SENT)
        self.assertEqual(row.claim, 2)
        self.assertEqual(len(self.twilio.sent), 1)

    @override_settings(SMS_BACKEND="console")
    def test_where_the_provider_cannot_be_asked_staff_are_told(self) -> None:
        booking = self.book(sms=False, email=True)
        row = self.row(booking, channel="email")
        messages_claim_due(now=NOW)
        Message.objects.filter(pk=row.pk).update(attempt_started_at=NOW)
        with time_machine.travel(LATER, tick=False):
            self.dispatch()
        row.refresh_from_db()
        self.assertEqual(row.status, Message.Status.FAILED)
        self.assertEqual(row.error_code, "outcome_unknown")

"""A receiver that fails twice gets the event exactly once in the end, and never again."""

from __future__ import annotations

from notifications.webhook_models import WebhookDelivery
from tests.fakes.webhook_receiver import FakeReceiver

from .helpers import WebhookTestCase


class FailingReceiverTest(WebhookTestCase):
    def test_a_receiver_failing_twice_gets_the_event_exactly_once(self) -> None:
        with FakeReceiver(script=[500, 503]) as receiver:
            self.subscribe(receiver.url)
            booking = self.book()
            outcomes = self.run_sender([0, 1, 2, 5, 10, 60, 600])
            self.assertEqual(outcomes, ["retry", "retry", "delivered"])
            self.assertEqual(len(receiver.received), 3)
            (delivery,) = self.deliveries()
            self.assertEqual(receiver.counts(), {str(delivery.event_id): 1})
            self.assertEqual(delivery.status, WebhookDelivery.Status.DELIVERED)
            self.assertEqual(delivery.attempts, 3)
            body = receiver.delivered()[0].json()
            self.assertEqual(body["type"], "booking.created")
            self.assertEqual(body["data"]["reference"], booking.reference)
            # Later runs find nothing to send.
            self.assertEqual(self.run_sender([24 * 60, 48 * 60]), [])
            self.assertEqual(len(receiver.received), 3)

    def test_the_waits_between_attempts_double(self) -> None:
        with FakeReceiver(script=[500, 500, 500]) as receiver:
            self.subscribe(receiver.url)
            self.book()
            self.run_sender([0])
            first = self.deliveries()[0].next_attempt_at
            self.run_sender([1])
            second = self.deliveries()[0].next_attempt_at
            self.assertEqual(len(receiver.received), 2)
            self.assertEqual((second - first).total_seconds(), 60 + 30)

    def test_each_subscription_gets_its_own_delivery_of_one_event(self) -> None:
        with FakeReceiver() as one, FakeReceiver() as two:
            self.subscribe(one.url)
            self.subscribe(two.url, token=self.make_token())
            self.book()
            self.run_sender([0])
            self.assertEqual(one.delivered_ids(), two.delivered_ids())
            self.assertEqual(len(one.delivered_ids()), 1)

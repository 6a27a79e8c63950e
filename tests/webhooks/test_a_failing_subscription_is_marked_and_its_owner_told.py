"""After a day of failed retries a delivery fails, its subscription is marked failing and the
token's owner gets one email; staff send it again and it arrives once."""

from __future__ import annotations

from django.core import mail

from notifications.webhook_models import WebhookDelivery
from notifications.webhooks import webhook_delivery_resend
from tests.fakes.webhook_receiver import FakeReceiver

from .helpers import WebhookTestCase

EVERY_5_MINUTES_FOR_30_HOURS = list(range(0, 30 * 60, 5))


class FailingSubscriptionTest(WebhookTestCase):
    def test_a_day_of_failures_marks_it_failing_and_tells_the_owner_once(self) -> None:
        with FakeReceiver(script=[500] * 100) as receiver:
            subscription = self.subscribe(receiver.url)
            self.book()
            self.book(
                day=4, pregnancy=self.w.mei_pregnancy
            )  # a second booking's event fails too: still one email
            outcomes = self.run_sender(EVERY_5_MINUTES_FOR_30_HOURS)
        self.assertEqual(outcomes.count("failed"), 2)
        attempts = {d.attempts for d in self.deliveries()}
        self.assertTrue(all(10 <= n <= 16 for n in attempts), attempts)
        self.assertEqual({d.status for d in self.deliveries()}, {WebhookDelivery.Status.FAILED})
        subscription.refresh_from_db()
        self.assertIsNotNone(subscription.failing_since)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [self.owner.email])
        self.assertIn(receiver.url, mail.outbox[0].subject)

    def test_staff_send_a_failed_delivery_again_and_it_arrives_once(self) -> None:
        with FakeReceiver(script=[500] * 16) as receiver:
            subscription = self.subscribe(receiver.url)
            self.book()
            self.run_sender(EVERY_5_MINUTES_FOR_30_HOURS)
            (delivery,) = self.deliveries()
            self.assertEqual(delivery.status, WebhookDelivery.Status.FAILED)
            receiver.script.clear()
            webhook_delivery_resend(delivery=delivery, actor=self.w.admin_ogawa)
            self.run_sender([0])
            delivery.refresh_from_db()
            self.assertEqual(delivery.status, WebhookDelivery.Status.DELIVERED)
            self.assertEqual(receiver.counts(), {str(delivery.event_id): 1})
            subscription.refresh_from_db()
            self.assertIsNone(subscription.failing_since)

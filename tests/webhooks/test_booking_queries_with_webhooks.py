"""Webhooks cost a booking one INSERT, whatever the number of subscriptions: the outbox rows are
written by an INSERT … SELECT in the booking's transaction, and nothing else is asked. On
PostgreSQL that INSERT is part of the statement that inserts the booking (issue 19,
scheduling/booking_insert.py): no query of its own at all."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.webhook_models import WebhookDelivery
from scheduling.models import Pregnancy

from .helpers import WebhookTestCase


class BookingQueriesTest(WebhookTestCase):
    def queries_for_a_booking(self, day: int, pregnancy: Pregnancy | None = None) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            self.book(day=day, pregnancy=pregnancy)
        return [q["sql"] for q in captured.captured_queries]

    def test_three_subscriptions_cost_the_booking_what_none_cost(self) -> None:
        none = self.queries_for_a_booking(day=3)
        for n in range(3):
            self.subscribe(f"https://example.jp/hooks/{n}", token=self.make_token())
        three = self.queries_for_a_booking(day=3, pregnancy=self.w.mei_pregnancy)
        self.assertEqual(len(three), len(none))
        webhook_sql = [sql for sql in three if "webhook" in sql.lower()]
        self.assertEqual(len(webhook_sql), 1, webhook_sql)
        self.assertIn("INSERT INTO notifications_webhookdelivery", webhook_sql[0])
        self.assertNotIn("SELECT s.id", webhook_sql[0].split("INSERT", 1)[0])  # nothing read first
        self.assertEqual(WebhookDelivery.objects.count(), 3)

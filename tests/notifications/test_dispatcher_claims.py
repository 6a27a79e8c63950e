"""The dispatcher claims each due row once, with a conditional update, in a fixed number of
queries; a send task acts only on the claim it was given."""

from __future__ import annotations

from django.utils import timezone

from notifications.dispatch import message_send, messages_claim_due
from notifications.models import Message
from notifications.tasks import dispatch_due, dispatch_due_messages, send_message
from tests.base import NOW
from tests.notifications.helpers import NotificationsTestCase, login_codes_due


class DispatcherClaimsTest(NotificationsTestCase):
    def make_due(self, count: int) -> list[Message]:
        return login_codes_due(self.w.katsushika, count, send_at=NOW)

    def test_claiming_takes_the_same_number_of_queries_for_one_row_or_fifty(self) -> None:
        self.make_due(1)
        with self.assertNumQueries(4):  # savepoint, select, update, release
            self.assertEqual(len(messages_claim_due(now=NOW)), 1)
        self.make_due(50)
        with self.assertNumQueries(4):
            self.assertEqual(len(messages_claim_due(now=NOW)), 50)

    def test_a_claimed_row_is_not_claimed_again(self) -> None:
        self.make_due(3)
        first = messages_claim_due(now=NOW)
        self.assertEqual(len(first), 3)
        self.assertEqual(messages_claim_due(now=NOW), [])
        self.assertTrue(all(claim == 1 for _, claim in first))

    def test_rows_not_yet_due_stay_pending(self) -> None:
        message = self.make_due(1)[0]
        message.send_at = NOW + timezone.timedelta(minutes=1)
        message.save()
        self.assertEqual(messages_claim_due(now=NOW), [])

    def test_one_send_takes_three_queries(self) -> None:
        message = self.make_due(1)[0]
        [(message_id, claim)] = messages_claim_due(now=NOW)
        # take the attempt, load the row (with her opt-out), record the outcome
        with self.assertNumQueries(3):
            self.assertEqual(message_send(message_id=message_id, claim=claim), "sent")
        message.refresh_from_db()
        self.assertEqual(message.status, "sent")

    def test_a_whole_dispatch_of_ten_messages_costs_three_queries_for_the_batch(self) -> None:
        self.make_due(10)
        # skip stale (2) + reconcile (1) + claim (4) + one batch: read, take, record (3)
        with self.assertNumQueries(7 + 3):
            result = self.dispatch()
        self.assertEqual(result.enqueued, 10)

    def test_a_task_delivered_twice_sends_once(self) -> None:
        self.make_due(1)
        [(message_id, claim)] = messages_claim_due(now=NOW)
        self.assertEqual(send_message.apply(args=(message_id, claim)).get(), "sent")
        self.assertEqual(send_message.apply(args=(message_id, claim)).get(), "ignored")
        self.assertEqual(Message.objects.get(pk=message_id).attempts, 1)

    def test_a_task_with_an_old_claim_is_ignored(self) -> None:
        self.make_due(1)
        [(message_id, claim)] = messages_claim_due(now=NOW)
        Message.objects.filter(pk=message_id).update(claim=claim + 1)  # reclaimed since
        self.assertEqual(message_send(message_id=message_id, claim=claim), "ignored")
        self.assertEqual(Message.objects.get(pk=message_id).attempts, 0)

    def test_a_pending_row_never_claimed_is_ignored_by_a_send_task(self) -> None:
        message = self.make_due(1)[0]
        self.assertEqual(message_send(message_id=message.pk, claim=0), "ignored")
        self.assertEqual(Message.objects.get(pk=message.pk).status, "pending")

    def test_without_a_broker_one_nudge_sends_one_page_and_leaves_the_rest_to_the_loop(
        self,
    ) -> None:
        # Eagerly, the nudge runs inside the web request that made the booking: one page only.
        # (In a worker a full page queues the next one: test_celery_worker.py.)
        self.make_due(7)
        self.assertEqual(dispatch_due.apply(kwargs={"limit": 3}).get(), 3)
        self.assertEqual(Message.objects.filter(status="sent").count(), 3)

    def test_a_page_that_is_not_full_does_not_ask_for_another_run(self) -> None:
        self.make_due(2)
        self.assertFalse(dispatch_due_messages(limit=3).more)
        self.make_due(3)
        self.assertTrue(dispatch_due_messages(limit=3).more)

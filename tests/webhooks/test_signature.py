"""The body is signed with the subscription's secret and a timestamp: a receiver checks both
(as docs/api.md shows), so another secret, a changed body or an old request does not verify."""

from __future__ import annotations

import time

from notifications.webhooks import SIGNATURE_HEADER, signature_header, signature_valid
from tests.fakes.webhook_receiver import FakeReceiver

from .helpers import WebhookTestCase


class SignatureTest(WebhookTestCase):
    def delivered(self) -> tuple[str, bytes, str]:
        with FakeReceiver() as receiver:
            subscription = self.subscribe(receiver.url)
            self.book()
            self.run_sender([0])
            (got,) = receiver.delivered()
        return subscription.secret, got.body, got.headers[SIGNATURE_HEADER]

    def test_the_subscriptions_secret_verifies_what_was_sent(self) -> None:
        secret, body, header = self.delivered()
        self.assertTrue(signature_valid(secret, header, body))

    def test_a_signature_made_with_another_secret_does_not_verify(self) -> None:
        secret, body, header = self.delivered()
        other = self.subscribe("https://example.jp/hooks").secret
        self.assertNotEqual(other, secret)
        self.assertFalse(signature_valid(other, header, body))
        forged = signature_header(other, int(time.time()), body)
        self.assertFalse(signature_valid(secret, forged, body))

    def test_a_changed_body_does_not_verify(self) -> None:
        secret, body, header = self.delivered()
        self.assertFalse(signature_valid(secret, header, body.replace(b"confirmed", b"cancelled")))

    def test_a_replay_after_five_minutes_is_refused(self) -> None:
        secret, body, header = self.delivered()
        later = time.time() + 301
        self.assertFalse(signature_valid(secret, header, body, now=later))

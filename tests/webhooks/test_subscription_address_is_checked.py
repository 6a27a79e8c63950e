"""A subscription's address passes the calendar fetcher's SSRF check: no private, loopback,
link-local or metadata address, no credentials, https only; a name that resolves inside is
refused when the delivery connects."""

from __future__ import annotations

from django.test import override_settings

from notifications.webhook_models import WebhookDelivery, WebhookSubscription
from yurikago.errors import DomainError

from .helpers import WebhookTestCase


class SubscriptionAddressTest(WebhookTestCase):
    def test_a_private_address_is_refused(self) -> None:
        for url in (
            "https://10.0.0.5/hooks",
            "https://192.168.1.10/hooks",
            "https://169.254.169.254/latest/meta-data",
            "https://user:pw@example.jp/hooks",
            "ftp://example.jp/hooks",
        ):
            with self.subTest(url=url):
                with self.assertRaises(DomainError) as refused:
                    self.subscribe(url)
                self.assertEqual(refused.exception.field, "url")
        self.assertFalse(WebhookSubscription.objects.exists())

    @override_settings(CALENDAR_FETCH_ALLOW_LOOPBACK=False)
    def test_loopback_and_plain_http_are_refused_outside_tests(self) -> None:
        for url in ("https://127.0.0.1/hooks", "https://[::1]/hooks", "http://example.jp/hooks"):
            with self.subTest(url=url), self.assertRaises(DomainError):
                self.subscribe(url)

    @override_settings(CALENDAR_FETCH_ALLOW_LOOPBACK=False)
    def test_a_name_resolving_to_loopback_is_refused_at_delivery(self) -> None:
        subscription = self.subscribe("https://localhost:9/hooks")
        self.book()
        self.assertEqual(self.run_sender([0]), ["retry"])
        (delivery,) = WebhookDelivery.objects.filter(subscription=subscription)
        self.assertEqual(delivery.last_error, "unsafe address")

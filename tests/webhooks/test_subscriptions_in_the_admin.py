"""An administrator subscribes a token in the admin: events chosen, a secret made for it, and a
private address refused with a message."""

from __future__ import annotations

from django.test import Client

from notifications.webhook_models import WebhookSubscription
from scheduling.models import User
from tests.staff.helpers import sign_in_with_mfa

from .helpers import WebhookTestCase


class SubscriptionAdminTest(WebhookTestCase):
    def setUp(self) -> None:
        super().setUp()
        root = User.objects.create_superuser(email="root@example.jp", password="x")
        self.admin = Client()
        sign_in_with_mfa(self.admin, root)

    def add(self, url: str):  # type: ignore[no-untyped-def]
        return self.admin.post(
            "/admin/notifications/webhooksubscription/add/",
            {
                "token": self.token.pk,
                "url": url,
                "events": ["booking.created", "booking.cancelled"],
                "is_active": "on",
            },
        )

    def test_a_subscription_is_made_with_its_events_and_a_secret(self) -> None:
        response = self.add("https://example.jp/hooks")
        self.assertEqual(response.status_code, 302, response.content[:500])
        subscription = WebhookSubscription.objects.get()
        self.assertEqual(subscription.event_list, ["booking.cancelled", "booking.created"])
        self.assertEqual(subscription.municipality, self.w.katsushika)
        self.assertTrue(subscription.secret.startswith("whsec_"))

    def test_a_private_address_is_refused(self) -> None:
        response = self.add("https://192.168.0.10/hooks")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(WebhookSubscription.objects.exists())

"""Her municipality's administrators see each delivery with its status and send it again;
nurses, managers and another municipality's administrators get a 404."""

from __future__ import annotations

from django.test import Client

from notifications.webhook_models import WebhookDelivery
from tests.fakes.webhook_receiver import FakeReceiver
from tests.staff.helpers import sign_in_with_mfa

from .helpers import WebhookTestCase


class StaffDeliveryLogTest(WebhookTestCase):
    def client_of(self, user) -> Client:  # type: ignore[no-untyped-def]
        client = Client()
        sign_in_with_mfa(client, user)
        return client

    def test_an_administrator_sees_deliveries_and_sends_a_failed_one_again(self) -> None:
        with FakeReceiver(script=[500] * 20) as receiver:
            self.subscribe(receiver.url)
            booking = self.book()
            self.run_sender(list(range(0, 30 * 60, 10)))
            (delivery,) = self.deliveries()
            self.assertEqual(delivery.status, WebhookDelivery.Status.FAILED)
            abe = self.client_of(self.w.admin_abe)
            page = abe.get("/staff/webhooks/").content.decode()
            self.assertIn(receiver.url, page)
            self.assertIn(booking.display_reference, page)
            self.assertIn("HTTP 500", page)
            response = abe.post(f"/staff/webhooks/deliveries/{delivery.pk}/resend/")
            self.assertEqual(response.status_code, 302)
            delivery.refresh_from_db()
            self.assertEqual(delivery.status, WebhookDelivery.Status.PENDING)
            self.assertEqual(delivery.resent_by, self.w.admin_abe)
            receiver.script.clear()
            self.run_sender([30 * 60])
            delivery.refresh_from_db()
            self.assertEqual(delivery.status, WebhookDelivery.Status.DELIVERED)

    def test_others_get_a_404(self) -> None:
        self.subscribe("https://example.jp/hooks")
        self.book()
        (delivery,) = self.deliveries()
        for user in (self.w.nurse_sato.user, self.w.manager_mori, self.w.admin_ogawa):
            client = self.client_of(user)
            with self.subTest(user=str(user)):
                if user == self.w.admin_ogawa:
                    page = client.get("/staff/webhooks/").content.decode()
                    self.assertNotIn("example.jp", page)
                else:
                    self.assertEqual(client.get("/staff/webhooks/").status_code, 404)
                resend = client.post(f"/staff/webhooks/deliveries/{delivery.pk}/resend/")
                self.assertEqual(resend.status_code, 404)
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, WebhookDelivery.Status.PENDING)
        self.assertIsNone(delivery.resent_by)

"""Staff never see her LINE user id (issue 18): not in the admin, not on the staff pages of her
booking and its messages, not in the API, and not in the logs of linking."""

from __future__ import annotations

from django.contrib import admin

from notifications.line_linking import line_account_link, line_link_nonce_create, token_hash
from notifications.line_models import LineFriend, LineLinkNonce, LineOfficialAccount
from notifications.models import Message
from tests.notifications.helpers import NotificationsTestCase
from tests.staff.helpers import sign_in_with_mfa

USER = "U" + "e" * 32


class StaffNeverSeeHerLineIdTest(NotificationsTestCase):
    def setUp(self) -> None:
        super().setUp()
        LineFriend.objects.create(
            user_id=USER, resident=self.w.hanako, event_ms=1, link_token_hash=token_hash("t")
        )
        self.booking = self.book()
        self.assertTrue(Message.objects.filter(booking=self.booking, channel="line").exists())

    def test_not_in_the_admin(self) -> None:
        self.assertNotIn(LineFriend, admin.site._registry)
        self.assertNotIn(LineLinkNonce, admin.site._registry)
        self.assertIn(LineOfficialAccount, admin.site._registry)

    def test_not_on_the_staff_pages_of_her_booking(self) -> None:
        sign_in_with_mfa(self.client, self.w.nurse_sato.user)
        for url in (
            f"/staff/bookings/{self.booking.reference}/",
            "/staff/messages/failed/",
        ):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertNotIn(USER, response.content.decode(), url)

    def test_not_in_the_api(self) -> None:
        from rest_framework.test import APIClient

        from tests.api.helpers import token_for

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(self.w.katsushika)}")
        for url in (f"/api/v1/bookings/{self.booking.reference}/", "/api/v1/bookings/"):
            response = client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertNotIn(USER, response.content.decode(), url)

    def test_not_in_the_linking_logs(self) -> None:
        nonce = line_link_nonce_create(resident=self.w.mei, link_token="t")
        with self.assertLogs("notifications.line", "INFO") as logs:
            line_account_link(user_id=USER, nonce=nonce, result="ok")
            line_account_link(user_id=USER, nonce=nonce, result="ok")
            line_account_link(user_id=USER, nonce="", result="failed")
        self.assertNotIn(USER, "\n".join(logs.output))

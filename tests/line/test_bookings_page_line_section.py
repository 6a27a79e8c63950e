"""Her bookings page: "Get messages on LINE" with the municipality's add-friend link, whether
her LINE is linked, that unlinking is unfollowing, and the order her messages go in. Nothing
where the municipality has no LINE account configured; her LINE user id never on the page."""

from __future__ import annotations

from django.test import override_settings

from notifications.line_models import LineFriend, LineOfficialAccount
from tests.base import BaseTestCase

USER = "U" + "d" * 32
ADD_FRIEND = "https://lin.ee/katsushika"


@override_settings(LANGUAGE_CODE="en")
class BookingsPageLineSectionTest(BaseTestCase):
    def page(self) -> str:
        self.client.force_login(self.w.hanako.user)
        response = self.client.get("/bookings/", headers={"accept-language": "en"})
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_no_section_without_a_line_account(self) -> None:
        self.assertNotIn("line-section", self.page())

    def test_not_linked_shows_the_add_friend_link(self) -> None:
        LineOfficialAccount.objects.create(
            municipality=self.w.katsushika,
            add_friend_url=ADD_FRIEND,
            qr_code_url="https://qr-official.line.me/katsushika.png",
        )
        html = self.page()
        self.assertIn("line-section", html)
        self.assertIn(ADD_FRIEND, html)
        self.assertIn("qr-official.line.me/katsushika.png", html)
        self.assertIn("Not linked", html)

    def test_linked_says_so_and_how_to_unlink(self) -> None:
        LineOfficialAccount.objects.create(
            municipality=self.w.katsushika, add_friend_url=ADD_FRIEND
        )
        LineFriend.objects.create(user_id=USER, resident=self.w.hanako, event_ms=1)
        html = self.page()
        self.assertIn("Linked: your booking messages come on LINE.", html)
        self.assertIn("block our LINE account", html)
        self.assertNotIn(ADD_FRIEND, html)
        self.assertNotIn(USER, html)
        order = html[html.index("channel-order") :]
        self.assertLess(order.index("LINE"), order.index("SMS"))
        self.assertLess(order.index("SMS"), order.index("Email"))

    def test_in_japanese(self) -> None:
        LineOfficialAccount.objects.create(
            municipality=self.w.katsushika, add_friend_url=ADD_FRIEND
        )
        self.client.force_login(self.w.hanako.user)
        with override_settings(LANGUAGE_CODE="ja"):
            html = self.client.get("/bookings/").content.decode()
        self.assertIn("LINEでお知らせを受け取る", html)

    def test_the_section_costs_one_query(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        LineOfficialAccount.objects.create(
            municipality=self.w.katsushika, add_friend_url=ADD_FRIEND
        )
        LineFriend.objects.create(user_id=USER, resident=self.w.hanako, event_ms=1)
        with CaptureQueriesContext(connection) as queries:
            self.page()
        line = [q for q in queries.captured_queries if "notifications_line" in q["sql"]]
        self.assertEqual(len(line), 1)

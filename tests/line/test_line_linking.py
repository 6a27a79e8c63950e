"""Linking her LINE account by the official account's link-token flow, end to end with the real
`line-bot-sdk` against the fake LINE: follow → link token → /line/link/ → nonce → accountLink
webhook → her reminder goes by LINE. And what must not link: a forged webhook, a replayed
nonce, a nonce made with another follower's link token, an expired nonce, a failed result."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import time_machine
from django.test import override_settings

from notifications.line_models import LineLinkNonce
from notifications.models import LineFriend, Message
from tests.base import NOW
from tests.fakes.line import (
    FakeLine,
    account_link_event,
    follow_event,
    message_event,
    signed_webhook,
)
from tests.notifications.helpers import FakeTwilioTestCase

HANAKO_LINE = "U" + "a" * 32
MEI_LINE = "U" + "b" * 32


class LineLinkingTest(FakeTwilioTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.line = FakeLine().start()
        self.addCleanup(self.line.stop)
        overrides = override_settings(**self.line.settings(), SITE_ROOT="https://yurikago.example")
        overrides.enable()
        self.addCleanup(overrides.disable)

    # --- steps of the flow ------------------------------------------------------------------

    def follow(self, user_id: str, at: int = 1) -> str:
        """She follows the account; returns the link token the bot's button carries."""
        response = signed_webhook(self.client, [follow_event("follow", user_id, at)])
        self.assertEqual(response.status_code, 200)
        return self.button_token(self.line.replies[-1]["messages"][0])

    def button_token(self, message: dict[str, object]) -> str:
        self.assertEqual(message["type"], "template")
        action = message["template"]["actions"][0]  # type: ignore[index]
        url = urlsplit(action["uri"])
        self.assertEqual(
            (url.scheme, url.netloc, url.path), ("https", "yurikago.example", "/line/link/")
        )
        return parse_qs(url.query)["linkToken"][0]

    def confirm(self, link_token: str, resident: object) -> str:
        """Signed in as `resident`, she confirms on /line/link/; returns the nonce."""
        self.client.force_login(resident.user)  # type: ignore[attr-defined]
        page = self.client.get("/line/link/", {"linkToken": link_token})
        self.assertEqual(page.status_code, 200)
        response = self.client.post("/line/link/", {"linkToken": link_token})
        self.assertEqual(response.status_code, 302)
        target = urlsplit(response["Location"])
        self.assertEqual(
            f"{target.scheme}://{target.netloc}{target.path}",
            "https://access.line.me/dialog/bot/accountLink",
        )
        query = parse_qs(target.query)
        self.assertEqual(query["linkToken"], [link_token])
        self.client.logout()
        return query["nonce"][0]

    def account_link(self, user_id: str, nonce: str, result: str = "ok") -> None:
        response = signed_webhook(self.client, [account_link_event(user_id, nonce, result=result)])
        self.assertEqual(response.status_code, 200)

    # --- the whole flow ---------------------------------------------------------------------

    def test_follow_link_and_her_reminder_goes_by_line(self) -> None:
        token = self.follow(HANAKO_LINE)
        self.assertEqual(self.line.link_tokens[token], HANAKO_LINE)
        reply = self.line.replies[-1]["messages"][0]
        self.assertIn("LINE", reply["altText"])
        nonce = self.confirm(token, self.w.hanako)
        self.account_link(HANAKO_LINE, nonce)
        friend = LineFriend.objects.get(user_id=HANAKO_LINE)
        self.assertEqual(friend.resident, self.w.hanako)
        booking = self.book()
        reminders = Message.objects.filter(booking=booking, purpose="reminder")
        self.assertEqual(set(reminders.values_list("channel", flat=True)), {"line"})
        reminder = reminders.order_by("send_at").first()
        assert reminder is not None
        with time_machine.travel(reminder.send_at + dt.timedelta(minutes=1), tick=False):
            self.dispatch()
        reminder.refresh_from_db()
        self.assertEqual(reminder.status, Message.Status.SENT)
        pushed = [m for m in self.line.sent if m.to == HANAKO_LINE]
        self.assertTrue(any(booking.display_reference in m.texts[0] for m in pushed))

    def test_the_same_account_link_event_twice_links_once_and_changes_nothing(self) -> None:
        token = self.follow(HANAKO_LINE)
        nonce = self.confirm(token, self.w.hanako)
        self.account_link(HANAKO_LINE, nonce)
        self.account_link(HANAKO_LINE, nonce)
        self.assertEqual(LineFriend.objects.get(user_id=HANAKO_LINE).resident, self.w.hanako)
        self.assertEqual(LineLinkNonce.objects.filter(used_at__isnull=False).count(), 1)

    def test_writing_link_to_the_account_sends_the_button_again(self) -> None:
        self.follow(HANAKO_LINE)
        signed_webhook(self.client, [message_event(HANAKO_LINE, "連携", 2)])
        self.assertEqual(len(self.line.replies), 2)
        token = self.button_token(self.line.replies[-1]["messages"][0])
        nonce = self.confirm(token, self.w.hanako)
        self.account_link(HANAKO_LINE, nonce)
        self.assertEqual(LineFriend.objects.get(user_id=HANAKO_LINE).resident, self.w.hanako)
        # Linked: writing 連携 again sends nothing more; other words never do.
        signed_webhook(self.client, [message_event(HANAKO_LINE, "link", 3)])
        signed_webhook(self.client, [message_event(HANAKO_LINE, "こんにちは", 4)])
        self.assertEqual(len(self.line.replies), 2)

    def test_a_redelivered_follow_sends_no_second_button(self) -> None:
        self.follow(HANAKO_LINE)
        event = follow_event("follow", HANAKO_LINE, 1)
        event["deliveryContext"] = {"isRedelivery": True}
        signed_webhook(self.client, [event])
        self.assertEqual(len(self.line.replies), 1)

    # --- what must not link -----------------------------------------------------------------

    def test_a_forged_account_link_event_is_refused_with_403(self) -> None:
        token = self.follow(HANAKO_LINE)
        nonce = self.confirm(token, self.w.hanako)
        response = signed_webhook(
            self.client, [account_link_event(HANAKO_LINE, nonce)], secret="not-the-secret"
        )
        self.assertEqual(response.status_code, 403)
        self.assertIsNone(LineFriend.objects.get(user_id=HANAKO_LINE).resident)

    def test_a_replayed_nonce_is_refused(self) -> None:
        token = self.follow(HANAKO_LINE)
        nonce = self.confirm(token, self.w.hanako)
        self.account_link(HANAKO_LINE, nonce)
        # Another follower replays the used nonce: nothing changes.
        self.follow(MEI_LINE)
        with self.assertLogs("notifications.line", "WARNING") as logs:
            self.account_link(MEI_LINE, nonce)
        self.assertIsNone(LineFriend.objects.get(user_id=MEI_LINE).resident)
        self.assertEqual(LineFriend.objects.get(user_id=HANAKO_LINE).resident, self.w.hanako)
        self.assertNotIn(MEI_LINE, "\n".join(logs.output))

    def test_a_nonce_made_with_another_followers_link_token_links_nobody(self) -> None:
        hanako_token = self.follow(HANAKO_LINE)
        self.follow(MEI_LINE)
        # Hanako's nonce, sent back by Mei's LINE account (e.g. she was sent Hanako's button).
        nonce = self.confirm(hanako_token, self.w.hanako)
        with self.assertLogs("notifications.line", "WARNING") as logs:
            self.account_link(MEI_LINE, nonce)
        self.assertIsNone(LineFriend.objects.get(user_id=MEI_LINE).resident)
        self.assertFalse(LineFriend.objects.filter(resident=self.w.hanako).exists())
        self.assertNotIn(MEI_LINE, "\n".join(logs.output))
        # Unused, it still links the follower it was made for.
        self.account_link(HANAKO_LINE, nonce)
        self.assertEqual(LineFriend.objects.get(user_id=HANAKO_LINE).resident, self.w.hanako)

    def test_a_nonce_links_the_resident_who_made_it_only(self) -> None:
        token = self.follow(HANAKO_LINE)
        nonce = self.confirm(token, self.w.mei)  # Mei, signed in, opened Hanako's button
        self.account_link(HANAKO_LINE, nonce)
        self.assertEqual(LineFriend.objects.get(user_id=HANAKO_LINE).resident, self.w.mei)
        self.assertFalse(LineFriend.objects.filter(resident=self.w.hanako).exists())

    def test_an_expired_nonce_links_nothing(self) -> None:
        token = self.follow(HANAKO_LINE)
        nonce = self.confirm(token, self.w.hanako)
        with time_machine.travel(NOW + dt.timedelta(minutes=11), tick=False):
            self.account_link(HANAKO_LINE, nonce)
        self.assertIsNone(LineFriend.objects.get(user_id=HANAKO_LINE).resident)

    def test_her_spent_and_expired_attempts_are_cleared_when_she_tries_again(self) -> None:
        token = self.follow(HANAKO_LINE)
        self.confirm(token, self.w.hanako)
        with time_machine.travel(NOW + dt.timedelta(minutes=11), tick=False):
            self.confirm(token, self.w.hanako)
        self.assertEqual(LineLinkNonce.objects.filter(resident=self.w.hanako).count(), 1)

    def test_a_failed_result_or_unknown_nonce_links_nothing(self) -> None:
        token = self.follow(HANAKO_LINE)
        nonce = self.confirm(token, self.w.hanako)
        self.account_link(HANAKO_LINE, nonce, result="failed")
        self.account_link(HANAKO_LINE, "not-a-nonce-we-made")
        self.assertIsNone(LineFriend.objects.get(user_id=HANAKO_LINE).resident)

    # --- the page ---------------------------------------------------------------------------

    def test_the_page_needs_her_sign_in_and_comes_back(self) -> None:
        token = self.follow(HANAKO_LINE)
        response = self.client.get("/line/link/", {"linkToken": token})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/", response["Location"])
        self.assertIn("linkToken", response["Location"])
        self.assertEqual(LineLinkNonce.objects.count(), 0)

    def test_an_unknown_or_mangled_link_token_is_a_clear_error(self) -> None:
        self.client.force_login(self.w.hanako.user)
        for value in ("", "nope", "<script>", "x" * 500):
            with self.subTest(value=value):
                response = self.client.post("/line/link/", {"linkToken": value})
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "連携", status_code=400)
        self.assertEqual(LineLinkNonce.objects.count(), 0)

    def test_a_staff_account_cannot_link(self) -> None:
        token = self.follow(HANAKO_LINE)
        self.client.force_login(self.w.nurse_sato.user)
        response = self.client.post("/line/link/", {"linkToken": token})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(LineLinkNonce.objects.count(), 0)

    def test_signed_out_she_signs_in_by_code_and_comes_back_to_link(self) -> None:
        import re

        token = self.follow(HANAKO_LINE)
        response = self.client.get("/line/link/", {"linkToken": token})
        login_url = response["Location"]
        self.assertTrue(login_url.startswith("/login/?next="), login_url)
        confirm_url = self.client.post(login_url, {"login": "090-1111-2222"})["Location"]
        self.assertTrue(confirm_url.startswith("/accounts/login/code/confirm/"), confirm_url)
        code = re.search(r"\b(\d{6})\b", self.twilio.sent[-1].body)
        assert code is not None
        response = self.client.post(confirm_url, {"action": "verify", "code": code.group(1)})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], f"/line/link/?linkToken={token}")
        self.assertContains(self.client.get(response["Location"]), 'name="linkToken"')

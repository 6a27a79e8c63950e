"""LINE's webhook: a forged or missing X-Line-Signature is refused with 403 and changes nothing;
follow and unfollow are idempotent, an older event never undoes a newer one, and an unfollow is
her opt-out of LINE."""

from __future__ import annotations

import json

from django.test import TestCase, override_settings

from notifications.models import LineFriend
from tests.fakes.line import CHANNEL_SECRET, follow_event, line_signature, signed_webhook

USER = "U" + "2" * 32
T0 = 1_780_000_000_000


@override_settings(LINE_CHANNEL_SECRET=CHANNEL_SECRET)
class LineWebhookTest(TestCase):
    def test_a_follow_signed_with_the_channel_secret_is_recorded(self) -> None:
        response = signed_webhook(self.client, [follow_event("follow", USER, T0)])
        self.assertEqual(response.status_code, 200)
        friend = LineFriend.objects.get(user_id=USER)
        self.assertTrue(friend.following)
        self.assertIsNone(friend.opted_out_at)

    def test_a_forged_signature_is_refused_and_changes_nothing(self) -> None:
        response = signed_webhook(
            self.client, [follow_event("follow", USER, T0)], secret="someone-else's-secret"
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(LineFriend.objects.exists())

    def test_a_missing_signature_is_refused(self) -> None:
        body = json.dumps({"events": [follow_event("follow", USER, T0)]})
        response = self.client.post("/line/webhook/", body, content_type="application/json")
        self.assertEqual(response.status_code, 403)
        self.assertFalse(LineFriend.objects.exists())

    def test_a_body_changed_after_signing_is_refused(self) -> None:
        signed = json.dumps({"events": [follow_event("follow", USER, T0)]})
        changed = signed.replace(USER, "U" + "3" * 32)
        response = self.client.post(
            "/line/webhook/",
            changed,
            content_type="application/json",
            headers={"X-Line-Signature": line_signature(signed)},
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(LineFriend.objects.exists())

    def test_without_a_channel_secret_every_delivery_is_refused(self) -> None:
        with override_settings(LINE_CHANNEL_SECRET=""):
            body = json.dumps({"events": []})
            response = self.client.post(
                "/line/webhook/",
                body,
                content_type="application/json",
                headers={"X-Line-Signature": line_signature(body, "")},
            )
        self.assertEqual(response.status_code, 403)

    def test_an_unfollow_is_her_opt_out_of_line(self) -> None:
        signed_webhook(self.client, [follow_event("follow", USER, T0)])
        signed_webhook(self.client, [follow_event("unfollow", USER, T0 + 1000)])
        friend = LineFriend.objects.get(user_id=USER)
        self.assertFalse(friend.following)
        self.assertIsNotNone(friend.opted_out_at)

    def test_the_same_unfollow_delivered_twice_changes_nothing_the_second_time(self) -> None:
        event = follow_event("unfollow", USER, T0)
        signed_webhook(self.client, [event])
        first = LineFriend.objects.get(user_id=USER)
        response = signed_webhook(self.client, [event])
        self.assertEqual(response.status_code, 200)
        again = LineFriend.objects.get(user_id=USER)
        self.assertEqual(LineFriend.objects.count(), 1)
        self.assertFalse(again.following)
        self.assertEqual(again.opted_out_at, first.opted_out_at)

    def test_a_late_follow_older_than_her_unfollow_does_not_undo_it(self) -> None:
        signed_webhook(self.client, [follow_event("unfollow", USER, T0 + 5000)])
        signed_webhook(self.client, [follow_event("follow", USER, T0)])
        self.assertFalse(LineFriend.objects.get(user_id=USER).following)

    def test_following_again_later_ends_the_opt_out(self) -> None:
        signed_webhook(self.client, [follow_event("unfollow", USER, T0)])
        signed_webhook(self.client, [follow_event("follow", USER, T0 + 1000)])
        friend = LineFriend.objects.get(user_id=USER)
        self.assertTrue(friend.following)
        self.assertIsNone(friend.opted_out_at)

    def test_other_events_and_the_console_verify_request_are_accepted_and_ignored(self) -> None:
        message = {"type": "message", "timestamp": T0, "source": {"type": "user", "userId": USER}}
        self.assertEqual(signed_webhook(self.client, [message]).status_code, 200)
        self.assertEqual(signed_webhook(self.client, []).status_code, 200)
        self.assertFalse(LineFriend.objects.exists())

    def test_only_post_is_allowed(self) -> None:
        self.assertEqual(self.client.get("/line/webhook/").status_code, 405)

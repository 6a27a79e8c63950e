"""Invitations go out like every other message (issue 16): the dispatcher sends them, once, with
her link in the text; the demo's `dispatch_messages --loop` runs the round itself (no beat)."""

from __future__ import annotations

from io import StringIO

from django.core import mail
from django.core.management import call_command

from notifications.models import Message
from notifications.tasks import dispatch_due_messages
from scheduling.invitation_models import Invitation
from scheduling.invitation_services import invitations_round
from tests.base import NOW
from tests.frontend.helpers import sms_texts

from .helpers import InvitationTestCase, notified


class InvitationsAreSentTest(InvitationTestCase):
    def test_the_sms_goes_once_with_her_link_and_no_health_word(self) -> None:
        notified(self.w, "青木 あい", "+818010000001")
        invitations_round(now=NOW)
        with sms_texts() as texts:
            dispatch_due_messages()
            dispatch_due_messages()
        message = Message.objects.get(purpose="invitation")
        self.assertEqual(message.status, "sent")
        [text] = texts
        self.assertIn(message.context["url"], text)
        self.assertTrue(text.startswith("【葛飾区】面談のご予約をお願いします"), text)
        self.assertNotIn("妊", text)

    def test_the_email_in_her_language_carries_the_link(self) -> None:
        notified(self.w, "Ana Reyes", "+81336021284", email="ana@example.jp", language="tl")
        invitations_round(now=NOW)
        dispatch_due_messages()
        [email] = mail.outbox
        url = Message.objects.get(purpose="invitation").context["url"]
        self.assertIn(url, email.body)
        self.assertIn("Paki-book", email.body)
        self.assertIn("i-book ang inyong interview", email.subject)

    def test_the_demo_loop_runs_the_round_and_sends(self) -> None:
        notified(self.w, "青木 あい", "+818010000001")
        out = StringIO()
        call_command(
            "dispatch_messages", "--loop", "--interval", "0", "--max-runs", "2", stdout=out
        )
        self.assertIn("invitations {'book': 1}", out.getvalue())
        self.assertEqual(Invitation.objects.count(), 1)
        self.assertEqual(Message.objects.get(purpose="invitation").status, "sent")

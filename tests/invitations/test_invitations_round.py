"""The periodic round of invitations (issue 16): "book your interview" after a notification, the
questionnaire when the 8th month falls due, the after-birth contact once a birth is recorded,
one reminder after N days; each once (a rerun sends nothing twice), in civil hours, by her
channel."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from notifications.dispatch import messages_claim_due
from notifications.models import LineFriend, Message
from scheduling.contact_services import pregnancy_record_end
from scheduling.invitation_models import Invitation, InvitationSettings
from scheduling.invitation_services import invitations_round
from scheduling.models import PregnancyOutcome
from scheduling.services import booking_create
from scheduling.tasks import invitations
from tests.base import NOW, tokyo

from .helpers import InvitationTestCase, notified

TODAY = NOW.date()


class InvitationsRoundTest(InvitationTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.aiko = notified(self.w, "青木 あい", "+818010000001")

    def kinds(self) -> list[tuple[str, str, str]]:
        return sorted(
            (i.pregnancy.resident.name, i.contact.code, i.kind)
            for i in Invitation.objects.select_related("pregnancy__resident", "contact")
        )

    def test_a_notified_pregnancy_is_invited_to_book_once_by_sms_with_her_link(self) -> None:
        result = invitations_round(now=NOW)
        self.assertEqual(result.invited, {"book": 1})
        [message] = Message.objects.filter(purpose="invitation")
        self.assertEqual((message.channel, message.recipient), ("sms", "+818010000001"))
        self.assertEqual(message.context["kind"], "book")
        self.assertIn(f"/i/{self.aiko.pk}/", message.context["url"])
        self.assertEqual(message.send_at, NOW)
        self.assertEqual(self.kinds(), [("青木 あい", "yurikago", "book")])

    def test_a_rerun_sends_nothing_twice(self) -> None:
        invitations_round(now=NOW)
        again = invitations_round(now=NOW + dt.timedelta(minutes=5))
        self.assertEqual(again.total, 0)
        self.assertEqual(Message.objects.filter(purpose="invitation").count(), 1)
        self.assertEqual(Invitation.objects.count(), 1)

    def test_the_database_refuses_a_second_invitation_of_one_kind(self) -> None:
        invitations_round(now=NOW)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Invitation.objects.create(
                pregnancy=self.aiko, contact=self.contacts.first, kind="book", created_at=NOW
            )

    def test_the_beat_task_runs_the_round(self) -> None:
        self.assertEqual(invitations(), {"book": 1})
        self.assertEqual(invitations(), {})

    def test_nobody_who_booked_or_was_not_notified_is_invited_to_book(self) -> None:
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 8, 10),
            pregnancy=self.aiko,
            now=NOW,
        )
        self.assertEqual(invitations_round(now=NOW).total, 0)  # Hanako and Mei: no notification

    def test_an_old_notification_is_for_the_follow_up_list_not_an_invitation(self) -> None:
        notified(self.w, "馬場 べに", "+818010000002", on=TODAY - dt.timedelta(days=40))
        self.assertEqual(self.kinds(), [])
        invitations_round(now=NOW)
        self.assertEqual(self.kinds(), [("青木 あい", "yurikago", "book")])

    def test_the_questionnaire_when_the_8th_month_falls_due_and_not_before(self) -> None:
        # Week 28 begins 84 days before the due date.
        due_today = notified(self.w, "千葉 ちか", "+818010000003", due=TODAY + dt.timedelta(84))
        due_today.notification.delete()  # known from her booking, not the file
        notified(self.w, "土井 でこ", "+818010000004", due=TODAY + dt.timedelta(85))
        invitations_round(now=NOW)
        self.assertIn(("千葉 ちか", "questionnaire-8m", "questionnaire"), self.kinds())
        self.assertNotIn("土井 でこ", [k[0] for k in self.kinds() if k[2] == "questionnaire"])
        # The late-pregnancy visit is only for those who ask: no invitation for it.
        self.assertNotIn("late-visit", [k[1] for k in self.kinds()])

    def test_the_after_birth_contact_once_a_birth_is_recorded(self) -> None:
        invitations_round(now=NOW)
        self.assertNotIn("baby-visit", [k[1] for k in self.kinds()])
        pregnancy_record_end(
            pregnancy=self.w.hanako_pregnancy,
            outcome=PregnancyOutcome.BIRTH,
            on=TODAY - dt.timedelta(days=1),
            babies=1,
            now=NOW,
        )
        invitations_round(now=NOW + dt.timedelta(minutes=1))
        self.assertIn(("山田 花子", "baby-visit", "after_birth"), self.kinds())

    def test_one_reminder_after_seven_days_without_a_booking(self) -> None:
        invitations_round(now=NOW)
        self.assertEqual(invitations_round(now=NOW + dt.timedelta(days=6, hours=23)).total, 0)
        self.assertEqual(invitations_round(now=NOW + dt.timedelta(days=7)).invited, {"reminder": 1})
        reminder = Message.objects.get(context__kind="reminder")
        self.assertEqual(reminder.context["of"], "book")
        self.assertEqual(invitations_round(now=NOW + dt.timedelta(days=20)).total, 0)

    def test_no_reminder_once_she_has_booked(self) -> None:
        invitations_round(now=NOW)
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 8, 10),
            pregnancy=self.aiko,
            now=NOW,
        )
        self.assertEqual(invitations_round(now=NOW + dt.timedelta(days=7)).total, 0)

    def test_the_municipality_chooses_the_days_and_may_turn_invitations_off(self) -> None:
        InvitationSettings.objects.create(municipality=self.w.katsushika, reminder_after_days=3)
        invitations_round(now=NOW)
        self.assertEqual(invitations_round(now=NOW + dt.timedelta(days=3)).invited, {"reminder": 1})
        InvitationSettings.objects.filter(municipality=self.w.katsushika).update(enabled=False)
        notified(self.w, "馬場 べに", "+818010000002")
        self.assertEqual(invitations_round(now=NOW + dt.timedelta(days=3, hours=1)).total, 0)

    def test_a_round_in_the_night_sends_in_the_morning(self) -> None:
        night = tokyo(2026, 12, 1, 22, 30)
        invitations_round(now=night)
        message = Message.objects.get(purpose="invitation")
        self.assertEqual(message.send_at, tokyo(2026, 12, 2, 8))
        self.assertEqual(messages_claim_due(now=tokyo(2026, 12, 2, 7, 59)), [])
        self.assertEqual(len(messages_claim_due(now=tokyo(2026, 12, 2, 8))), 1)

    def test_early_morning_waits_for_the_start_of_civil_hours(self) -> None:
        invitations_round(now=tokyo(2026, 12, 1, 6, 10))
        self.assertEqual(Message.objects.get().send_at, tokyo(2026, 12, 1, 8))

    def test_a_landline_from_the_file_gets_email_and_no_way_at_all_is_recorded(self) -> None:
        landline = notified(self.w, "江藤 えみ", "+81336021284", email="emi@example.jp")
        nobody = notified(self.w, "不知 なし", "+81336021285")
        invitations_round(now=NOW)
        [message] = Message.objects.filter(recipient__in=["emi@example.jp", "+81336021284"])
        self.assertEqual((message.channel, message.recipient), ("email", "emi@example.jp"))
        self.assertTrue(Invitation.objects.get(pregnancy=landline).queued)
        self.assertFalse(Invitation.objects.get(pregnancy=nobody).queued)

    def test_line_when_she_is_linked_and_follows_as_booking_messages_go(self) -> None:
        LineFriend.objects.create(user_id="U" + "a" * 32, resident=self.aiko.resident)
        invitations_round(now=NOW)
        message = Message.objects.get(purpose="invitation")
        self.assertEqual((message.channel, message.recipient), ("line", "U" + "a" * 32))

"""The follow-up list's fourth section (issue 16): an invitation that reached her by no channel
(every message failed for good, or no channel at all) until she books or a call-back task is
closed after it; and a call-back task for a flagged questionnaire says so."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Message
from scheduling.followup_models import FollowUpTask
from scheduling.followup_services import follow_up_attempt_record
from scheduling.invitation_services import invitations_round
from scheduling.models import AccessLog
from scheduling.services import booking_create
from scheduling.worklist import follow_up_list
from tests.base import NOW, TOKYO, tokyo
from tests.contacts.helpers import katsushika_contacts
from tests.questionnaires.helpers import eighth_month_sheet, send
from tests.staff.helpers import StaffTestCase

from .helpers import notified

TODAY = NOW.date()
EARLIER = TODAY - dt.timedelta(days=2)


class UndeliverableInvitationsTest(StaffTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.contacts = katsushika_contacts(cls.w)

    def setUp(self) -> None:
        super().setUp()
        self.aiko = notified(self.w, "青木 あい", "+818010000001", on=EARLIER)  # SMS will fail
        self.nobody = notified(self.w, "不知 なし", "+81336021285", on=EARLIER)  # landline only
        self.reached = notified(self.w, "千葉 ちか", "+818010000003", on=EARLIER)
        invitations_round(now=NOW - dt.timedelta(days=2))
        Message.objects.filter(recipient="+818010000001").update(
            status=Message.Status.FAILED, error_code="21211"
        )
        Message.objects.filter(recipient="+818010000003").update(status=Message.Status.SENT)

    def worklist(self):  # type: ignore[no-untyped-def]
        return follow_up_list(
            municipality_ids=frozenset({self.w.katsushika.pk}),
            site_ids=frozenset({self.w.aoto.pk}),
            today=TODAY,
            tz=TOKYO,
        )

    def test_failed_for_good_or_no_channel_with_their_age(self) -> None:
        worklist = self.worklist()
        self.assertEqual(
            sorted((e.resident.name, e.age_days, e.reason) for e in worklist.undeliverable),
            [("不知 なし", 2, "undeliverable"), ("青木 あい", 2, "undeliverable")],
        )
        self.assertEqual(worklist.undeliverable_count, 2)

    def test_an_email_fallback_that_went_takes_her_off(self) -> None:
        Message.objects.create(
            municipality=self.w.katsushika,
            purpose="invitation",
            channel="email",
            recipient="aiko@example.jp",
            occurrence=Message.objects.get(recipient="+818010000001").occurrence,
            status=Message.Status.SENT,
        )
        self.assertEqual([e.resident.name for e in self.worklist().undeliverable], ["不知 なし"])

    def test_booking_or_a_closed_call_back_task_takes_her_off(self) -> None:
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 8, 10),
            pregnancy=self.aiko,
            now=NOW,
        )
        follow_up_attempt_record(
            pregnancy=self.nobody, how="phone", outcome="declined", by=self.w.admin_abe
        )
        self.assertEqual(self.worklist().undeliverable, [])

    def test_the_page_shows_the_section_and_logs_who_it_showed(self) -> None:
        self.sign_in(self.w.admin_abe)
        response = self.client.get(reverse("staff:follow_up"))
        self.assertContains(response, 'id="undeliverable"')
        self.assertContains(response, "青木 あい")
        logged = set(AccessLog.objects.filter(action="list").values_list("resident_id", flat=True))
        self.assertIn(self.aiko.resident_id, logged)
        self.assertIn(self.nobody.resident_id, logged)

    def test_the_number_of_queries_does_not_grow_with_the_section(self) -> None:
        with CaptureQueriesContext(connection) as few:
            self.worklist()
        for i in range(5):
            notified(self.w, f"追加 {i}", f"+8180200000{i:02d}", on=EARLIER)
        invitations_round(now=NOW - dt.timedelta(days=1))
        Message.objects.filter(purpose="invitation", status="pending").update(status="failed")
        with self.assertNumQueries(len(few.captured_queries)):
            self.assertEqual(self.worklist().undeliverable_count, 7)


class FlaggedCallBackTaskTest(StaffTestCase):
    def test_a_call_back_for_a_flagged_questionnaire_records_that_reason(self) -> None:
        sheet = eighth_month_sheet(self.w)
        send(sheet, self.w.hanako_pregnancy, flagged=True)
        follow_up_attempt_record(
            pregnancy=self.w.hanako_pregnancy,
            how="phone",
            outcome="will_book",
            by=self.w.admin_abe,
        )
        self.assertEqual(FollowUpTask.objects.get().reason, "flagged")

    def test_without_a_flag_it_stays_notified_not_booked(self) -> None:
        sheet = eighth_month_sheet(self.w)
        send(sheet, self.w.hanako_pregnancy, flagged=False)
        follow_up_attempt_record(
            pregnancy=self.w.hanako_pregnancy, how="phone", outcome="will_book", by=None
        )
        self.assertEqual(FollowUpTask.objects.get().reason, "not_booked")

"""Call-back tasks (issue 16 item 3): from the follow-up list a nurse records each attempt to
reach her (when, how, outcome). The first attempt opens the pregnancy's task; reached and booked,
declined and moved away close it (booked only once a booking exists), and a closed task as
declined or moved away takes her off the list. Who may record is scheduling.access's answer."""

from __future__ import annotations

from django.urls import reverse

from scheduling.followup_models import FollowUpAttempt, FollowUpTask
from scheduling.models import Booking, Pregnancy
from scheduling.notification_import import notifications_import_file
from scheduling.services import booking_create
from tests.base import NOW, tokyo
from tests.staff.helpers import StaffTestCase

from .helpers import export, row

LIST = reverse("staff:follow_up")


class CallBackTasksTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        data = export([row("A", 届出日="2026-11-01", 氏名="青木 あい", 電話番号="080-1000-0001")])
        self.assertFalse(
            notifications_import_file(municipality=self.w.katsushika, data=data.encode()).refused
        )
        self.aoki = Pregnancy.objects.get(notification__record_key="A")
        self.url = reverse("staff:follow_up_pregnancy", args=[self.aoki.pk])
        self.sign_in(self.w.nurse_ito.user)

    def attempt(self, outcome: str, how: str = "phone", note: str = "") -> object:
        return self.client.post(
            self.url, {"how": how, "outcome": outcome, "note": note}, HTTP_ACCEPT_LANGUAGE="en"
        )

    def test_an_attempt_opens_her_task_and_shows_on_the_list(self) -> None:
        response = self.attempt("will_book", note="夕方に折り返し希望")
        self.assertRedirects(response, LIST, fetch_redirect_response=False)
        task = FollowUpTask.objects.get(pregnancy=self.aoki)
        self.assertEqual((task.reason, task.closed_at), ("not_booked", None))
        attempt = task.attempts.get()
        self.assertEqual(
            (attempt.how, attempt.outcome, attempt.note, attempt.by, attempt.at),
            ("phone", "will_book", "夕方に折り返し希望", self.w.nurse_ito.user, NOW),
        )
        page = self.client.get(LIST, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, "1 attempt: Reached: will book (12-01)")

    def test_further_attempts_join_the_open_task(self) -> None:
        self.attempt("unreachable")
        self.attempt("will_book", how="visit")
        task = FollowUpTask.objects.get(pregnancy=self.aoki)
        self.assertEqual(
            list(task.attempts.values_list("how", "outcome")),
            [("phone", "unreachable"), ("visit", "will_book")],
        )
        self.assertContains(self.client.get(LIST, HTTP_ACCEPT_LANGUAGE="en"), "2 attempts")

    def test_declined_and_moved_away_close_the_task_and_take_her_off_the_list(self) -> None:
        self.assertContains(self.client.get(LIST), "青木 あい")
        self.attempt("declined")
        task = FollowUpTask.objects.get(pregnancy=self.aoki)
        self.assertEqual((task.close_reason, task.closed_at), ("declined", NOW))
        self.assertNotContains(self.client.get(LIST), "青木 あい")

    def test_booked_is_refused_until_she_has_a_booking(self) -> None:
        response = self.attempt("booked")
        self.assertContains(
            response, "Book her interview first, then record the call as booked.", status_code=400
        )
        self.assertFalse(FollowUpAttempt.objects.exists())
        booking_create(
            site=self.w.niccowa,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 9, 10),
            pregnancy=self.aoki,
            staff=True,
            channel=Booking.Channel.STAFF,
            now=NOW,
        )
        self.attempt("booked")
        task = FollowUpTask.objects.get(pregnancy=self.aoki)
        self.assertEqual(task.close_reason, "booked")

    def test_a_missed_interview_opens_a_missed_task_pointing_at_it(self) -> None:
        missed = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 11, 30, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=tokyo(2026, 11, 20, 9),
        )
        Booking.objects.filter(pk=missed.pk).update(status=Booking.Status.NO_SHOW)
        self.client.logout()
        self.sign_in(self.w.nurse_sato.user)
        url = reverse("staff:follow_up_pregnancy", args=[self.w.hanako_pregnancy.pk])
        self.client.post(url, {"how": "phone", "outcome": "will_book"})
        task = FollowUpTask.objects.get(pregnancy=self.w.hanako_pregnancy)
        self.assertEqual((task.reason, task.booking_id), ("missed", missed.pk))
        # A nurse of another site never saw that interview: not found.
        self.client.logout()
        self.sign_in(self.w.nurse_ito.user)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_another_municipality_and_residents_get_not_found(self) -> None:
        for user in (self.w.admin_ogawa, self.w.hanako.user):
            self.client.logout()
            self.sign_in(user)
            self.assertEqual(self.client.get(self.url).status_code, 404)
            self.assertEqual(self.attempt("declined").status_code, 404)
        self.assertFalse(FollowUpTask.objects.exists())

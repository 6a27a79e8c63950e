"""Issue 14 item 7: a number that answered STOP gets no SMS at all (Twilio's opt-out blocks
every message from our sender, sign-in codes included), yet /login/ said a code was sent. Now
she is told that SMS to this number are stopped and offered her email (or START to resume);
the booking flow sends its code by email when she gave one."""

from __future__ import annotations

from django.core import mail

from notifications.models import Message, SmsOptOut
from scheduling.models import Booking
from tests.frontend.helpers import FlowTestCase, details_data

STOPPED = "answered STOP"


class SignInAfterStopTest(FlowTestCase):
    def setUp(self) -> None:
        super().setUp()
        SmsOptOut.objects.create(phone="+819011112222", keyword="STOP")
        SmsOptOut.objects.create(phone="+819099990000", keyword="STOP")

    def test_login_says_so_and_offers_email_instead_of_claiming_a_code_was_sent(self) -> None:
        for number in ["090-1111-2222", "090-9999-0000"]:  # hers, and nobody's: alike
            with self.subTest(number):
                response = self.client.post("/login/", {"login": number}, HTTP_ACCEPT_LANGUAGE="en")
                self.assertContains(response, STOPPED)
                self.assertContains(response, "email")
        self.assertFalse(Message.objects.filter(purpose="login_code").exists())

    def test_her_email_still_signs_her_in(self) -> None:
        response = self.client.post("/login/", {"login": "hanako@example.jp"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(mail.outbox), 1)

    def test_booking_sends_its_code_by_email_when_she_gave_one(self) -> None:
        hold = self.hold()
        response = self.client.post(
            f"/book/details/{hold.reference}/",
            details_data(
                hold.display_reference,
                phone="090-9999-0000",
                email="new@example.jp",
                reminders="email",
            ),
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Message.objects.get(purpose="login_code").channel, "email")

    def test_booking_without_an_email_tells_her_why_no_code_comes(self) -> None:
        hold = self.hold()
        response = self.client.post(
            f"/book/details/{hold.reference}/",
            details_data(hold.display_reference, phone="090-9999-0000"),
            HTTP_ACCEPT_LANGUAGE="en",
        )
        self.assertContains(response, STOPPED, status_code=422)
        self.assertEqual(Booking.objects.get(pk=hold.pk).status, Booking.Status.HELD)

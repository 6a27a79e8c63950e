""" "We missed you, choose a new time" (issue 16): when staff mark a booking missed (欠席, only
after its start), she is sent that message with her link, queued in the same transaction, in
civil hours, once per missed interview; the link takes her to booking that contact again."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from notifications.dispatch import not_worth_sending
from notifications.models import Message
from notifications.texts import render_message
from scheduling.invitation_models import Invitation
from scheduling.models import Booking
from scheduling.services import booking_create, booking_mark_attendance
from tests.base import NOW, tokyo

from .helpers import InvitationTestCase, link_path

MONDAY_10 = tokyo(2026, 12, 7, 10)


class WeMissedYouTest(InvitationTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=MONDAY_10,
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        Message.objects.all().delete()  # her confirmation and reminders: not what we look at

    def mark(self, at: dt.datetime, attended: bool = False) -> Booking:
        with time_machine.travel(at, tick=False):
            return booking_mark_attendance(
                booking=self.booking, attended=attended, actor=self.w.nurse_sato.user, now=at
            )

    def test_marking_missed_queues_the_message_with_her_link(self) -> None:
        self.mark(tokyo(2026, 12, 7, 10, 40))
        [message] = Message.objects.filter(purpose="invitation")
        self.assertEqual(message.context["kind"], "missed")
        self.assertEqual((message.channel, message.recipient), ("sms", "+819011112222"))
        self.assertEqual(message.send_at, tokyo(2026, 12, 7, 10, 40))
        text = render_message(message).text
        self.assertIn("12/7(月)10:00", text)
        self.assertIn(message.context["url"], text)
        invitation = Invitation.objects.get()
        self.assertEqual((invitation.kind, invitation.booking_id), ("missed", self.booking.pk))

    def test_the_link_takes_her_to_booking_that_contact_again(self) -> None:
        self.mark(tokyo(2026, 12, 7, 10, 40))
        _, _, path = link_path(Message.objects.get(purpose="invitation"))
        response = self.client.post(path)
        self.assertEqual(response["Location"], reverse("frontend:where") + "?contact=yurikago")

    def test_marked_in_the_evening_it_goes_the_next_morning(self) -> None:
        self.mark(tokyo(2026, 12, 7, 21, 30))
        message = Message.objects.get(purpose="invitation")
        self.assertEqual(message.send_at, tokyo(2026, 12, 8, 8))

    def test_once_per_missed_interview_however_often_it_is_marked(self) -> None:
        self.mark(tokyo(2026, 12, 7, 10, 40))
        self.mark(tokyo(2026, 12, 7, 10, 45))
        self.assertEqual(Message.objects.filter(purpose="invitation").count(), 1)

    def test_if_she_came_after_all_the_message_is_not_sent(self) -> None:
        self.mark(tokyo(2026, 12, 7, 20, 50))  # queued for the morning
        self.mark(tokyo(2026, 12, 7, 20, 55), attended=True)
        message = Message.objects.get(purpose="invitation")
        stop = not_worth_sending(message, tokyo(2026, 12, 8, 8))
        self.assertIsNotNone(stop)
        self.assertEqual(stop[1], "invitation_done")  # type: ignore[index]

    def test_if_she_booked_again_meanwhile_it_is_not_sent(self) -> None:
        self.mark(tokyo(2026, 12, 7, 20, 50))
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 10, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=tokyo(2026, 12, 7, 20, 55),
        )
        message = Message.objects.get(purpose="invitation")
        self.assertIsNotNone(not_worth_sending(message, tokyo(2026, 12, 8, 8)))

    def test_before_the_start_nothing_is_marked_or_sent(self) -> None:
        from yurikago.errors import DomainError

        with self.assertRaises(DomainError):
            self.mark(tokyo(2026, 12, 7, 9, 50))
        self.assertFalse(Message.objects.filter(purpose="invitation").exists())

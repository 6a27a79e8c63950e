"""Staff send a failed message again: after Twilio's outage outlasted the retries, or once her
number has been corrected. Only a failed message that still fits the booking goes out again, to
her contact as it is now, once, and the booking's log says who asked."""

from __future__ import annotations

from django.urls import reverse

from notifications.models import Message, SmsOptOut
from notifications.tasks import dispatch_due_messages
from scheduling.models import BookingEvent
from scheduling.services import booking_cancel, booking_create
from tests.base import NOW, tokyo
from tests.staff.helpers import StaffTestCase

THURSDAY_10 = tokyo(2026, 12, 3, 10)


class ResendFailedMessageTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=THURSDAY_10,
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        self.confirmation = Message.objects.get(
            booking=self.booking, purpose="confirmation", channel="sms"
        )
        # What the dispatcher leaves after the provider refused it for good.
        Message.objects.filter(pk=self.confirmation.pk).update(
            status="failed", error_code="20500", last_error="Twilio answered HTTP 500", attempts=6
        )
        self.sign_in(self.w.nurse_sato.user)

    def resend(self, message: Message, **data: str):  # type: ignore[no-untyped-def]
        url = reverse("staff:message_resend", args=[message.pk])
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, data, follow=True)

    def test_the_nurse_sends_it_again_and_it_goes_out_once(self) -> None:
        response = self.resend(self.confirmation)
        self.assertContains(response, "まもなく再送します")  # the staff pages speak Japanese
        row = Message.objects.get(pk=self.confirmation.pk)
        self.assertEqual((row.status, row.error_code, row.last_error), ("sent", "", ""))
        self.assertEqual(row.attempts, 7)  # the history of attempts is kept
        self.assertEqual(dispatch_due_messages().claimed, [])  # nothing left to send twice
        event = BookingEvent.objects.get(booking=self.booking, data__message_resent=row.pk)
        self.assertEqual((event.actor, event.actor_is_staff), (self.w.nurse_sato.user, True))

    def test_it_goes_to_her_number_as_it_is_now(self) -> None:
        resident = self.w.hanako
        resident.phone = "+819098765432"
        resident.save()
        self.resend(self.confirmation)
        self.assertEqual(Message.objects.get(pk=self.confirmation.pk).recipient, "+819098765432")

    def test_she_is_back_where_she_pressed_the_button(self) -> None:
        failed_page = reverse("staff:failed_messages")
        response = self.resend(self.confirmation, next=failed_page)
        self.assertEqual(response.redirect_chain[-1][0], failed_page)

    def test_the_failed_messages_page_offers_it(self) -> None:
        response = self.client.get(reverse("staff:failed_messages"))
        self.assertContains(response, reverse("staff:message_resend", args=[self.confirmation.pk]))
        self.assertContains(response, "再送する")

    def test_the_booking_page_offers_it_on_the_failed_row_only(self) -> None:
        response = self.client.get(reverse("staff:booking", args=[self.booking.reference]))
        self.assertContains(response, reverse("staff:message_resend", args=[self.confirmation.pk]))
        self.assertContains(response, "再送する", count=1)

    def test_a_message_that_did_not_fail_is_not_sent_again(self) -> None:
        Message.objects.filter(pk=self.confirmation.pk).update(status="sent", error_code="")
        response = self.resend(self.confirmation)
        self.assertContains(response, "再送できるのは、送信に失敗したメッセージだけです")
        self.assertEqual(Message.objects.get(pk=self.confirmation.pk).status, "sent")

    def test_a_confirmation_of_a_cancelled_booking_is_not_sent_again(self) -> None:
        booking_cancel(booking=self.booking, staff=True, now=NOW)
        response = self.resend(self.confirmation)
        self.assertContains(response, "予約の現状と合いません")
        row = Message.objects.get(pk=self.confirmation.pk)
        self.assertEqual((row.status, row.error_code), ("failed", "20500"))

    def test_a_number_that_answered_stop_is_not_texted_again(self) -> None:
        SmsOptOut.objects.create(phone=self.w.hanako.phone, keyword="STOP")
        response = self.resend(self.confirmation)
        self.assertContains(response, "SMSの配信を停止しています")
        self.assertEqual(Message.objects.get(pk=self.confirmation.pk).status, "failed")

"""The staff page of one booking: details, event log, messages, and what staff do there."""

from __future__ import annotations

from django.urls import reverse

from notifications.models import Message
from scheduling.models import AccessLog, Booking, BookingEvent
from scheduling.services import booking_create
from tests.base import NOW, tokyo
from tests.staff.helpers import StaffTestCase


class BookingPageTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        w = self.w
        self.booking = booking_create(
            site=w.aoto,
            interview_type=w.itype,
            start=tokyo(2026, 12, 1, 13),
            pregnancy=w.hanako_pregnancy,
            staff=True,
            now=NOW,
        )
        self.sign_in(w.nurse_kato.user)
        self.url = reverse("staff:booking", args=[self.booking.reference])

    def test_it_shows_her_details_the_event_log_and_her_messages(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "山田 花子")
        self.assertContains(response, BookingEvent.Kind.CONFIRMED.label)
        self.assertContains(response, 'class="message-list"')
        self.assertTrue(Message.objects.filter(booking=self.booking).exists())

    def test_the_reference_may_be_written_with_a_hyphen(self) -> None:
        ref = self.booking.display_reference
        self.assertEqual(self.client.get(reverse("staff:booking", args=[ref])).status_code, 200)

    def test_every_view_writes_an_access_log_row(self) -> None:
        self.client.get(self.url)
        self.client.get(self.url)
        rows = AccessLog.objects.filter(
            user=self.w.nurse_kato.user, booking=self.booking, action="view"
        )
        self.assertEqual(rows.count(), 2)
        self.assertEqual(rows.first().resident_id, self.w.hanako.pk)

    def test_attendance_is_marked_and_logged_as_a_staff_action(self) -> None:
        self.client.post(
            reverse("staff:attendance", args=[self.booking.reference]), {"outcome": "attended"}
        )
        self.booking.refresh_from_db()
        self.assertEqual(self.booking.status, Booking.Status.ATTENDED)
        event = self.booking.events.get(kind=BookingEvent.Kind.ATTENDED)
        self.assertEqual((event.actor, event.actor_is_staff), (self.w.nurse_kato.user, True))

    def test_notes_and_video_link_are_saved_and_the_log_names_only_the_fields(self) -> None:
        self.client.post(
            reverse("staff:details", args=[self.booking.reference]),
            {"staff_notes": "体調確認", "video_url": "https://meet.example/abc"},
        )
        self.booking.refresh_from_db()
        self.assertEqual(self.booking.staff_notes, "体調確認")
        event = self.booking.events.get(kind=BookingEvent.Kind.UPDATED)
        self.assertEqual(event.data, {"fields": ["staff_notes", "video_url"]})

    def test_an_insecure_video_link_is_refused(self) -> None:
        self.client.post(
            reverse("staff:details", args=[self.booking.reference]),
            {"staff_notes": "", "video_url": "http://meet.example/abc"},
        )
        self.booking.refresh_from_db()
        self.assertEqual(self.booking.video_url, "")

    def test_staff_cancel_after_the_deadline_and_she_gets_the_notice(self) -> None:
        # 13:00 today: long past the online deadline (11:00 the business day before).
        response = self.client.post(
            reverse("staff:cancel", args=[self.booking.reference]), {"reason": "電話で依頼"}
        )
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.booking.refresh_from_db()
        self.assertEqual(self.booking.status, Booking.Status.CANCELLED)
        event = self.booking.events.get(kind=BookingEvent.Kind.CANCELLED)
        self.assertTrue(event.actor_is_staff)
        self.assertTrue(event.data["late"])
        self.assertTrue(
            Message.objects.filter(
                booking=self.booking, purpose=Message.Purpose.CANCELLATION
            ).exists()
        )

    def test_staff_reschedule_inside_the_notice_period(self) -> None:
        new_start = tokyo(2026, 12, 1, 15)
        page = self.client.get(reverse("staff:reschedule", args=[self.booking.reference]))
        self.assertContains(page, "15:00")
        response = self.client.post(
            reverse("staff:reschedule", args=[self.booking.reference]),
            {"site": self.w.aoto.pk, "start": new_start.isoformat(), "mode": "in_person"},
        )
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.booking.refresh_from_db()
        self.assertEqual(self.booking.start, new_start)
        self.assertTrue(
            Message.objects.filter(
                booking=self.booking, purpose=Message.Purpose.RESCHEDULE
            ).exists()
        )

    def test_a_taken_time_is_refused_with_alternatives(self) -> None:
        start = tokyo(2026, 12, 2, 10)
        for pregnancy in (self.w.mei_pregnancy,):
            booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=start,
                pregnancy=pregnancy,
                now=NOW,
            )
        # Both nurses busy at 10:00: fill the second one with a direct hold.
        from scheduling.services import booking_hold

        booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=start, now=NOW)
        response = self.client.post(
            reverse("staff:reschedule", args=[self.booking.reference]),
            {"site": self.w.aoto.pk, "start": start.isoformat(), "mode": "in_person"},
        )
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "error-summary", status_code=409)

    def test_garbage_input_is_never_a_500(self) -> None:
        for data in ({}, {"start": "yesterday", "site": "x", "mode": "teleport"}):
            response = self.client.post(
                reverse("staff:reschedule", args=[self.booking.reference]), data
            )
            self.assertIn(response.status_code, (200, 409))
        response = self.client.post(
            reverse("staff:attendance", args=[self.booking.reference]), {"outcome": "maybe"}
        )
        self.assertEqual(response.status_code, 302)

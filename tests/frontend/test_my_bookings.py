"""My bookings: hers only; cancel with the deadline shown first; reschedule keeps the old time
until the new one is secured."""

from __future__ import annotations

import datetime as dt

import time_machine

from notifications.models import Message
from scheduling.models import Booking
from scheduling.services import booking_create
from tests.base import tokyo
from tests.frontend.helpers import START, FlowTestCase


class MyBookingsTest(FlowTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=START,
            pregnancy=self.w.hanako_pregnancy,
        )
        self.client.force_login(self.w.hanako.user)

    def test_she_sees_her_upcoming_booking(self) -> None:
        response = self.client.get("/bookings/", HTTP_ACCEPT_LANGUAGE="ja")
        self.assertContains(response, "2026年12月3日(木) 10:00")
        self.assertContains(response, self.booking.display_reference)

    def test_another_resident_gets_a_404_for_her_booking(self) -> None:
        self.client.force_login(self.w.mei.user)
        for url in ("", "calendar.ics", "cancel/", "change/", "change/2026-12-04/"):
            self.assertEqual(
                self.client.get(f"/bookings/{self.booking.reference}/{url}").status_code, 404, url
            )
        response = self.client.post(f"/bookings/{self.booking.reference}/cancel/")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Booking.objects.get(pk=self.booking.pk).status, "confirmed")
        self.assertNotContains(self.client.get("/bookings/"), self.booking.display_reference)

    def test_signed_out_she_is_sent_to_the_code_sign_in(self) -> None:
        self.client.logout()
        response = self.client.get("/bookings/")
        self.assertRedirects(response, "/login/?next=/bookings/", fetch_redirect_response=False)

    def test_the_calendar_file_carries_the_booking_and_no_health_words(self) -> None:
        response = self.client.get(f"/bookings/{self.booking.reference}/calendar.ics")
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        body = response.content.decode()
        self.assertIn(self.booking.calendar_uid, body)
        self.assertNotIn("妊", body)

    def test_the_cancel_page_shows_the_deadline_before_she_confirms(self) -> None:
        response = self.client.get(
            f"/bookings/{self.booking.reference}/cancel/", HTTP_ACCEPT_LANGUAGE="ja"
        )
        # 11:00 on the business day before Thursday 12/3.
        self.assertContains(response, "2026年12月2日(水) 11:00")
        self.assertEqual(Booking.objects.get(pk=self.booking.pk).status, "confirmed")

    def test_she_cancels_with_a_reason(self) -> None:
        response = self.client.post(
            f"/bookings/{self.booking.reference}/cancel/", {"reason": "体調がすぐれないため"}
        )
        self.assertRedirects(
            response, f"/bookings/{self.booking.reference}/", fetch_redirect_response=False
        )
        booking = Booking.objects.get(pk=self.booking.pk)
        self.assertEqual(booking.status, "cancelled")
        self.assertEqual(booking.cancel_reason, "体調がすぐれないため")
        self.assertTrue(Message.objects.filter(booking=booking, purpose="cancellation").exists())

    def test_after_the_deadline_she_is_asked_to_call(self) -> None:
        with time_machine.travel(tokyo(2026, 12, 2, 11, 30), tick=False):
            self.client.force_login(self.w.hanako.user)  # a session lasts at most 12 hours
            page = self.client.get(
                f"/bookings/{self.booking.reference}/cancel/", HTTP_ACCEPT_LANGUAGE="en"
            )
            self.assertContains(page, "deadline", status_code=200)
            self.assertNotContains(page, "Yes, cancel this booking")
            response = self.client.post(
                f"/bookings/{self.booking.reference}/cancel/", HTTP_ACCEPT_LANGUAGE="en"
            )
        self.assertContains(response, "deadline", status_code=422)
        self.assertEqual(Booking.objects.get(pk=self.booking.pk).status, "confirmed")

    def test_she_moves_her_booking_to_another_day(self) -> None:
        page = self.client.get(f"/bookings/{self.booking.reference}/change/")
        self.assertContains(page, f"/bookings/{self.booking.reference}/change/2026-12-04/")
        day = self.client.get(f"/bookings/{self.booking.reference}/change/2026-12-04/")
        new_start = tokyo(2026, 12, 4, 14, 0)
        self.assertContains(day, new_start.isoformat())
        response = self.client.post(
            f"/bookings/{self.booking.reference}/change/",
            {"site": self.w.aoto.id, "start": new_start.isoformat(), "site_code": "aoto"},
        )
        self.assertRedirects(
            response, f"/bookings/{self.booking.reference}/", fetch_redirect_response=False
        )
        booking = Booking.objects.get(pk=self.booking.pk)
        self.assertEqual(booking.start, new_start)
        self.assertEqual(booking.status, "confirmed")
        self.assertEqual(booking.sequence, 1)

    def test_a_taken_new_time_keeps_the_old_booking(self) -> None:
        taken = tokyo(2026, 12, 4, 14, 0)
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=taken,
            pregnancy=self.w.mei_pregnancy,
        )
        other = self.w.mei_pregnancy.resident.pregnancies.create(due_date=dt.date(2027, 5, 1))
        booking_create(site=self.w.aoto, interview_type=self.w.itype, start=taken, pregnancy=other)
        response = self.client.post(
            f"/bookings/{self.booking.reference}/change/",
            {"site": self.w.aoto.id, "start": taken.isoformat(), "site_code": "aoto"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        self.assertContains(response, "just been taken", status_code=409)
        booking = Booking.objects.get(pk=self.booking.pk)
        self.assertEqual((booking.start, booking.status), (START, "confirmed"))

"""On a phone (390×844), in Japanese and in English, she books her 8th-month remote interview
from "My bookings": the contact's "book" button, the calendar of days with remote times (a
Saturday, when the centres are closed), a time, her details, done: a video interview with no
address on the confirmation."""

from __future__ import annotations

import datetime as dt

from scheduling.models import Booking
from scheduling.services import booking_create
from tests.base import tokyo
from tests.browser.helpers import BrowserTestCase
from tests.contacts.helpers import katsushika_contacts, remote_hours, remote_interview_contact

BOOK = {"ja": "妊娠8か月の面談を予約する", "en": "Book your 8th-month interview"}
SUBMIT = {"ja": "この内容で予約する", "en": "Book this time"}


class RemoteContactFromMyBookingsTest(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        katsushika_contacts(self.w)
        self.contact = remote_interview_contact(self.w)
        remote_hours(self.w)
        pregnancy = self.w.hanako_pregnancy
        pregnancy.due_date = dt.date(2027, 2, 16)  # week 29 today
        pregnancy.save()
        booking_create(  # her first interview, already booked
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=pregnancy,
        )
        self.sign_in(self.w.hanako.user)

    def test_she_books_her_8th_month_remote_interview_from_my_bookings(self) -> None:
        page = self.page
        page.goto("/bookings/")
        self.shot("my-bookings")
        page.get_by_role("link", name=BOOK[self.language]).click()
        page.wait_for_url("**/book/calendar/**contact=interview-8m**")
        self.shot("month")
        page.locator('a[href*="/book/day/2026-12-05/"]').first.click()
        page.locator('button[value^="2026-12-05T09:00"]').first.click()
        page.wait_for_url("**/book/details/**")
        self.shot("details")
        page.locator('input[name="consent"]').check()
        page.get_by_role("button", name=SUBMIT[self.language]).click()
        page.wait_for_url("**/bookings/**")
        self.shot("confirmation")
        booking = Booking.objects.get(contact=self.contact, status=Booking.Status.CONFIRMED)
        self.assertEqual(
            (booking.start, booking.mode, booking.room), (tokyo(2026, 12, 5, 9), "video", None)
        )
        page.get_by_text(booking.display_reference).wait_for()
        self.assertNotIn("葛飾区青戸4-15-14", page.content())
        self.assertEqual(
            Booking.objects.filter(pregnancy=self.w.hanako_pregnancy, status="confirmed").count(), 2
        )


class RemoteContactFromMyBookingsInEnglishTest(RemoteContactFromMyBookingsTest):
    language = "en"

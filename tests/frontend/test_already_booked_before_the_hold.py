"""Signed in with an interview already booked, she hears so when she picks a time, before any
hold blocks it; and if "already booked" only comes when she sends her details (she booked in
another tab meanwhile), the time she held is given back at once."""

from __future__ import annotations

from scheduling.models import Booking
from scheduling.services import booking_create
from tests.base import tokyo
from tests.frontend.helpers import START, FlowTestCase, details_data


class AlreadyBookedBeforeTheHoldTest(FlowTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.w.hanako.user)

    def book_for_her(self) -> Booking:
        return booking_create(
            site=self.w.niccowa,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 4, 10),
            pregnancy=self.w.hanako_pregnancy,
        )

    def test_signed_in_and_booked_she_is_told_before_any_hold(self) -> None:
        existing = self.book_for_her()
        response = self.client.post(
            "/book/hold/",
            {"site": self.w.aoto.id, "start": START.isoformat(), "site_code": "aoto"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        self.assertContains(response, "You already have an interview booked", status_code=409)
        self.assertContains(response, f'href="/bookings/{existing.reference}/"', status_code=409)
        self.assertFalse(Booking.objects.filter(status=Booking.Status.HELD).exists())

    def test_without_a_booking_she_holds_as_before(self) -> None:
        hold = self.hold()
        self.assertEqual(hold.status, Booking.Status.HELD)

    def test_already_booked_on_sending_her_details_gives_the_hold_back_at_once(self) -> None:
        hold = self.hold()
        existing = self.book_for_her()  # in another tab, meanwhile
        response = self.client.post(
            f"/book/details/{hold.reference}/",
            details_data(hold.display_reference, phone="090-1111-2222"),
            HTTP_ACCEPT_LANGUAGE="en",
        )
        self.assertContains(response, "You already have an interview booked", status_code=409)
        self.assertContains(response, f'href="/bookings/{existing.reference}/"', status_code=409)
        self.assertNotContains(response, "is no longer kept for you", status_code=409)
        self.assertEqual(Booking.objects.get(pk=hold.pk).status, Booking.Status.EXPIRED)

    def test_the_places_page_tells_her_before_she_chooses(self) -> None:
        existing = self.book_for_her()
        response = self.client.get("/book/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "You already have an interview booked")
        self.assertContains(response, f'href="/bookings/{existing.reference}/"')

    def test_without_a_booking_the_places_page_says_nothing_of_it(self) -> None:
        response = self.client.get("/book/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertNotContains(response, "You already have an interview booked")

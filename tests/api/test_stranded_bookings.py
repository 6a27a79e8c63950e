"""API schedule writes share the staff pages' services: a change that strands bookings is a 409
naming them, until she confirms that she keeps them."""

from __future__ import annotations

from scheduling.models import AvailabilityRule, BookingEvent, TimeOff
from scheduling.services import booking_create
from tests.base import tokyo

from .helpers import API, ApiTestCase


class StrandedBookingsTest(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
            staff=True,
        )
        self.nurse = self.booking.nurse
        self.rule = AvailabilityRule.objects.get(
            nurse=self.nurse, site=self.w.aoto, weekday=3, start_time="09:00"
        )
        self.mori = self.client_for(self.w.manager_mori)

    def test_removing_the_hours_of_a_booking_is_refused_with_its_reference(self) -> None:
        url = f"{API}/nurses/{self.nurse.id}/rules/{self.rule.id}/"
        body = self.assertProblem(self.mori.delete(url), 409, "stranded_bookings")
        self.assertEqual(body["bookings"], [self.booking.display_reference])
        self.assertTrue(AvailabilityRule.objects.filter(pk=self.rule.pk).exists())

    def test_confirming_keeps_the_booking_and_says_so_in_its_log(self) -> None:
        url = f"{API}/nurses/{self.nurse.id}/rules/{self.rule.id}/?confirm_stranded=true"
        self.assertEqual(self.mori.delete(url).status_code, 204)
        self.booking.refresh_from_db()
        self.assertEqual(self.booking.status, "confirmed")
        self.assertTrue(
            BookingEvent.objects.filter(
                booking=self.booking, data__kept_outside_hours=True
            ).exists()
        )

    def test_time_off_over_a_booking_is_refused_until_confirmed(self) -> None:
        client = self.client_for(self.nurse.user)
        url = f"{API}/nurses/{self.nurse.id}/time-off/"
        payload = {"start": "2026-12-03T09:00:00+09:00", "end": "2026-12-03T12:00:00+09:00"}
        self.assertProblem(client.post(url, payload, format="json"), 409, "stranded_bookings")
        self.assertFalse(TimeOff.objects.exists())
        created = client.post(url + "?confirm_stranded=true", payload, format="json")
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual(TimeOff.objects.count(), 1)

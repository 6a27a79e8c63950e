"""A day with no free time is not a dead end, when booking and when moving a booking: the page
offers the next free day at this place and the earliest free time at each other place of the
municipality, in a fixed number of queries (one availability load, whatever the number of
sites)."""

from __future__ import annotations

from scheduling.services import booking_create
from tests.frontend.helpers import START, FlowTestCase
from tests.frontend.test_page_queries import CALENDAR_QUERIES

SATURDAY = "2026-12-05"  # 青戸 and えきにこわ are closed; にこわ opens 10:00–12:00
SECOND_SUNDAY = "2026-12-13"  # every site is closed


class FullDayOffersOtherDaysTest(FlowTestCase):
    def test_it_offers_the_next_free_day_at_this_place(self) -> None:
        response = self.client.get(f"/book/day/{SATURDAY}/?site=aoto", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Next free day at this place")
        self.assertContains(response, 'href="/book/day/2026-12-07/?site=aoto"')

    def test_it_offers_the_earliest_time_at_each_other_place(self) -> None:
        response = self.client.get(f"/book/day/{SATURDAY}/?site=aoto", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Earliest free times at other places")
        # The same Saturday at にこわ, and えきにこわ's first Friday evening past its notice.
        self.assertContains(response, f'href="/book/day/{SATURDAY}/?site=niccowa"')
        self.assertContains(response, "Sat 5 December 2026 10:00")
        self.assertContains(response, 'href="/book/day/2026-12-11/?site=eki"')
        self.assertContains(response, "Fri 11 December 2026 17:00")

    def test_for_all_places_it_offers_the_next_free_day_anywhere(self) -> None:
        response = self.client.get(
            f"/book/day/{SECOND_SUNDAY}/?site=any", HTTP_ACCEPT_LANGUAGE="en"
        )
        self.assertContains(response, 'href="/book/day/2026-12-14/?site=any"')
        self.assertNotContains(response, "Earliest free times at other places")

    def test_a_day_with_free_times_offers_nothing_else(self) -> None:
        response = self.client.get("/book/day/2026-12-03/?site=aoto", HTTP_ACCEPT_LANGUAGE="en")
        self.assertNotContains(response, "Next free day at this place")

    def test_the_offer_costs_one_availability_load(self) -> None:
        # The day's own load reads no time off, busy blocks or bookings when no one has weekly
        # hours that day (青戸 on Saturdays): one of its three reads.
        for url, no_hours in (
            (f"/book/day/{SATURDAY}/?site=aoto", 1),
            (f"/book/day/{SECOND_SUNDAY}/?site=any", 0),
        ):
            with self.assertNumQueries(CALENDAR_QUERIES - no_hours + 3):
                self.assertEqual(self.client.get(url).status_code, 200)


class FullDayOnRescheduleTest(FlowTestCase):
    def test_moving_her_booking_a_full_day_offers_other_days_and_places(self) -> None:
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=START,
            pregnancy=self.w.hanako_pregnancy,
        )
        self.client.force_login(self.w.hanako.user)
        base = f"/bookings/{booking.reference}/change/"
        response = self.client.get(f"{base}{SATURDAY}/?site=aoto", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Next free day at this place")
        self.assertContains(response, f'href="{base}2026-12-07/?site=aoto"')
        self.assertContains(response, f'href="{base}{SATURDAY}/?site=niccowa"')

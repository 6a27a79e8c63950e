"""A next-day time whose online change deadline has already passed is marked before she books
it: on the time itself and again on the details page, where she confirms."""

from __future__ import annotations

import time_machine

from scheduling.services import booking_create
from tests.base import tokyo
from tests.frontend.helpers import FlowTestCase

# Tuesday 12:00: Wednesday's times are past their deadline (11:00 on the business day before).
NOON = tokyo(2026, 12, 1, 12, 0)
WEDNESDAY = "2026-12-02"
THURSDAY = "2026-12-03"


class SlotsPastTheChangeDeadlineTest(FlowTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.traveller.stop()
        self.traveller = time_machine.travel(NOON, tick=False)
        self.traveller.start()

    def test_a_time_past_its_deadline_is_marked_on_the_day_page(self) -> None:
        response = self.client.get(f"/book/day/{WEDNESDAY}/?site=aoto", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, tokyo(2026, 12, 2, 13).isoformat())
        self.assertContains(response, "cannot be changed online")
        self.assertContains(response, "you can change or cancel it only by phone")

    def test_a_time_before_its_deadline_is_not_marked(self) -> None:
        response = self.client.get(f"/book/day/{THURSDAY}/?site=aoto", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, tokyo(2026, 12, 3, 13).isoformat())
        self.assertNotContains(response, "cannot be changed online")

    def test_the_details_page_warns_before_she_confirms(self) -> None:
        hold = self.hold(start=tokyo(2026, 12, 2, 13))
        response = self.client.get(f"/book/details/{hold.reference}/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "The deadline to change or cancel this time online")
        self.assertContains(response, "Tue 1 December 2026 11:00")

    def test_the_details_page_of_a_later_time_has_no_warning(self) -> None:
        hold = self.hold(start=tokyo(2026, 12, 3, 13))
        response = self.client.get(f"/book/details/{hold.reference}/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertNotContains(response, "The deadline to change or cancel this time online")

    def test_the_warning_is_in_japanese_too(self) -> None:
        response = self.client.get(f"/book/day/{WEDNESDAY}/?site=aoto", HTTP_ACCEPT_LANGUAGE="ja")
        self.assertContains(response, "オンラインで変更できません")


class NewTimesPastTheDeadlineOnRescheduleTest(FlowTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.traveller.stop()
        self.traveller = time_machine.travel(NOON, tick=False)
        self.traveller.start()

    def test_a_new_time_past_its_deadline_is_marked_when_she_moves_her_booking(self) -> None:
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 4, 10),
            pregnancy=self.w.hanako_pregnancy,
        )
        self.client.force_login(self.w.hanako.user)
        url = f"/bookings/{booking.reference}/change/"
        response = self.client.get(url + f"{WEDNESDAY}/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, tokyo(2026, 12, 2, 13).isoformat())
        self.assertContains(response, "cannot be changed online")
        response = self.client.get(url + f"{THURSDAY}/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertNotContains(response, "cannot be changed online")

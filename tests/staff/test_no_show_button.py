"""On her day, "Did not come" appears only once the interview's start time has passed; a post
before then is refused with the service's message."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from scheduling.models import Booking
from scheduling.services import booking_create
from tests.base import NOW, tokyo
from tests.staff.helpers import StaffTestCase


class NoShowButtonTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 1, 13),
            pregnancy=self.w.hanako_pregnancy,
            staff=True,
            now=NOW,
        )
        Booking.objects.filter(pk=self.booking.pk).update(nurse=self.w.nurse_sato)
        self.sign_in(self.w.nurse_sato.user)

    def pages(self) -> list[str]:
        day = self.client.get(reverse("staff:day"), HTTP_ACCEPT_LANGUAGE="en")
        detail = self.client.get(
            reverse("staff:booking", args=[self.booking.reference]), HTTP_ACCEPT_LANGUAGE="en"
        )
        return [day.content.decode(), detail.content.decode()]

    def test_before_the_start_only_attended_is_offered(self) -> None:
        for html in self.pages():
            self.assertIn('value="attended"', html)
            self.assertNotIn('value="no_show"', html)

    def test_after_the_start_did_not_come_is_offered(self) -> None:
        with time_machine.travel(tokyo(2026, 12, 1, 13, 1), tick=False):
            for html in self.pages():
                self.assertIn('value="no_show"', html)

    def test_a_no_show_posted_before_the_start_is_refused_with_a_message(self) -> None:
        response = self.client.post(
            reverse("staff:attendance", args=[self.booking.reference]),
            {"outcome": "no_show"},
            HTTP_ACCEPT_LANGUAGE="ja",
            follow=True,
        )
        self.assertContains(response, "開始時刻")
        self.booking.refresh_from_db()
        self.assertEqual(self.booking.status, Booking.Status.CONFIRMED)

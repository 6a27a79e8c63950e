"""When the new time she picked is taken, the alternatives never offer her own current time."""

from __future__ import annotations

import datetime as dt

from scheduling.services import booking_create
from tests.base import tokyo
from tests.frontend.helpers import START, FlowTestCase


class RescheduleAlternativesTest(FlowTestCase):
    def test_the_alternatives_leave_out_her_current_time(self) -> None:
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=START,
            pregnancy=self.w.hanako_pregnancy,
        )
        taken = tokyo(2026, 12, 3, 10, 30)
        for due in (dt.date(2027, 5, 1), dt.date(2027, 5, 2)):
            other = self.w.mei.pregnancies.create(due_date=due)
            booking_create(
                site=self.w.aoto, interview_type=self.w.itype, start=taken, pregnancy=other
            )
        self.client.force_login(self.w.hanako.user)
        response = self.client.post(
            f"/bookings/{booking.reference}/change/",
            {"site": self.w.aoto.id, "start": taken.isoformat(), "site_code": "aoto"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        self.assertContains(response, "These times are free", status_code=409)
        self.assertContains(response, tokyo(2026, 12, 3, 9, 30).isoformat(), status_code=409)
        self.assertNotContains(response, START.isoformat(), status_code=409)

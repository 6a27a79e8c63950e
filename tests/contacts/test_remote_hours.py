"""Remote interviews draw on a nurse's remote hours: not on rooms, not on a site's opening days
or modes; in-person interviews never use remote hours."""

from __future__ import annotations

import datetime as dt

from scheduling.availability import open_slots
from scheduling.models import Booking
from scheduling.services import booking_create
from tests.base import BaseTestCase, tokyo
from tests.contacts.helpers import remote_hours, remote_interview_contact


class RemoteHoursTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.contact = remote_interview_contact(self.w)
        assert self.contact.interview_type is not None
        self.itype = self.contact.interview_type
        remote_hours(self.w)

    def slots(self, day: dt.date, mode: str, itype: object = None) -> list[tuple[int, dt.datetime]]:
        found = open_slots(
            municipality=self.w.katsushika,
            interview_type=itype or self.itype,  # type: ignore[arg-type]
            date_from=day,
            date_to=day,
            mode=mode,
        )
        return [(s.site_id, s.start) for s in found]

    def test_a_saturday_when_the_site_is_closed_offers_remote_times(self) -> None:
        saturday = dt.date(2026, 12, 5)
        self.assertEqual(
            [start for _site, start in self.slots(saturday, "video")],
            [tokyo(2026, 12, 5, 9) + dt.timedelta(minutes=30 * i) for i in range(6)],
        )

    def test_remote_hours_at_an_in_person_only_site_give_phone_times_in_the_evening(self) -> None:
        starts = [start for _site, start in self.slots(dt.date(2026, 12, 3), "phone")]
        self.assertIn(tokyo(2026, 12, 3, 17), starts)
        self.assertIn(tokyo(2026, 12, 3, 18, 30), starts)

    def test_in_person_interviews_never_use_remote_hours(self) -> None:
        starts = [
            start for _s, start in self.slots(dt.date(2026, 12, 5), "in_person", self.w.itype)
        ]
        self.assertNotIn(tokyo(2026, 12, 5, 9), starts)
        thursday = self.slots(dt.date(2026, 12, 3), "in_person", self.w.itype)
        self.assertNotIn((self.w.aoto.pk, tokyo(2026, 12, 3, 17)), thursday)

    def test_a_remote_booking_takes_no_room(self) -> None:
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.itype,
            start=tokyo(2026, 12, 5, 9),
            pregnancy=self.w.hanako_pregnancy,
            mode="video",
        )
        self.assertEqual((booking.room, booking.nurse), (None, self.w.nurse_kato))
        self.assertEqual(booking.status, Booking.Status.CONFIRMED)

    def test_the_nurse_in_a_remote_interview_is_not_offered_for_another_at_that_time(self) -> None:
        booking_create(
            site=self.w.aoto,
            interview_type=self.itype,
            start=tokyo(2026, 12, 5, 9),
            pregnancy=self.w.hanako_pregnancy,
            mode="video",
        )
        self.assertNotIn(
            tokyo(2026, 12, 5, 9), [s for _x, s in self.slots(dt.date(2026, 12, 5), "phone")]
        )

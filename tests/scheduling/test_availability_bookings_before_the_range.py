"""A booking that starts before the dates asked for and runs into them still takes its nurse
and its room (issue 19).

The engine reads bookings by start within the range (an index range, not every booking a nurse
or a site ever had) and, for the time before it, only each nurse's latest active booking: her
active bookings never overlap, so no earlier one can reach into the range. These are the cases
that rule must not lose: the nurse's own, another nurse's in the site's room, one ignored for a
reschedule, and older bookings that end before the range.
"""

from __future__ import annotations

import datetime as dt

from scheduling.availability import Slot, open_slots
from scheduling.models import Booking, Mode, Nurse
from tests.base import NOW, BaseTestCase, _nurse, _rules, tokyo

THURSDAY = dt.date(2026, 12, 3)  # 青戸: 佐藤 and 加藤, 09:00–12:00 and 13:00–16:00, two rooms


class BookingsBeforeTheRangeTest(BaseTestCase):
    def slots(self, date_from: dt.date = THURSDAY, **kwargs: object) -> list[Slot]:
        return open_slots(
            municipality=self.w.katsushika,
            interview_type=self.w.itype,
            date_from=date_from,
            date_to=THURSDAY,
            site_ids=[self.w.aoto.id],
            now=NOW,
            **kwargs,  # type: ignore[arg-type]
        )

    def at_nine(self, date_from: dt.date = THURSDAY, **kwargs: object) -> Slot | None:
        nine = tokyo(2026, 12, 3, 9)
        return next((s for s in self.slots(date_from, **kwargs) if s.start == nine), None)

    def book(
        self, nurse: Nurse, start: dt.datetime, end: dt.datetime, room: int | None = 1
    ) -> Booking:
        return Booking.objects.create(
            municipality=self.w.katsushika,
            site=self.w.aoto,
            nurse=nurse,
            interview_type=self.w.itype,
            mode=Mode.IN_PERSON,
            room=room,
            start=start,
            end=end,
            blocked_until=end,
            status=Booking.Status.CONFIRMED,
        )

    def test_her_booking_from_the_evening_before_takes_her_first_morning_slot(self) -> None:
        # An overnight booking (a home visit the staff entered by hand, say) of 佐藤's.
        self.book(self.w.nurse_sato, tokyo(2026, 12, 2, 22), tokyo(2026, 12, 3, 9, 30), room=None)
        slot = self.at_nine()
        assert slot is not None
        self.assertEqual(slot.nurse_ids, (self.w.nurse_kato.id,))
        # The same answer whether the range starts that day or the day before.
        self.assertEqual(self.at_nine(THURSDAY - dt.timedelta(days=1)), slot)

    def test_another_nurses_booking_from_the_day_before_holds_its_room(self) -> None:
        # 伊藤 works at にこわ; her booking at 青戸 still holds room 1 into Thursday morning.
        self.book(self.w.nurse_ito, tokyo(2026, 12, 2, 23), tokyo(2026, 12, 3, 9, 30), room=1)
        slot = self.at_nine()
        assert slot is not None
        self.assertEqual(slot.free_rooms, (2,))
        self.assertEqual(len(slot.nurse_ids), 2)

    def test_a_reschedule_ignores_its_own_booking_from_the_day_before(self) -> None:
        mine = self.book(self.w.nurse_sato, tokyo(2026, 12, 2, 23), tokyo(2026, 12, 3, 9, 30))
        slot = self.at_nine(exclude_booking_id=mine.id)
        assert slot is not None
        self.assertEqual(set(slot.nurse_ids), {self.w.nurse_sato.id, self.w.nurse_kato.id})
        self.assertEqual(slot.free_rooms, (1, 2))

    def test_her_earlier_bookings_that_end_before_the_range_take_nothing(self) -> None:
        for days in (1, 2, 30, 365):
            start = tokyo(2026, 12, 3, 10) - dt.timedelta(days=days)
            self.book(self.w.nurse_sato, start, start + dt.timedelta(minutes=30))
        slot = self.at_nine()
        assert slot is not None
        self.assertEqual(set(slot.nurse_ids), {self.w.nurse_sato.id, self.w.nurse_kato.id})
        self.assertEqual(slot.free_rooms, (1, 2))

    def test_a_visiting_nurse_of_another_municipality_is_read_too(self) -> None:
        # 小川 belongs to 桜川町 but has Thursday hours at 青戸; her overnight booking counts.
        ogawa = _nurse(self.w.sakuragawa, "ogawa-nurse@sakuragawa.example", "小川", [self.w.aoto])
        _rules(ogawa, self.w.aoto, [3], [(9, 12)])
        slot = self.at_nine()
        assert slot is not None
        self.assertIn(ogawa.id, slot.nurse_ids)
        self.book(ogawa, tokyo(2026, 12, 2, 22), tokyo(2026, 12, 3, 9, 30), room=None)
        slot = self.at_nine()
        assert slot is not None
        self.assertNotIn(ogawa.id, slot.nurse_ids)

    def test_a_cancelled_booking_from_the_day_before_takes_nothing(self) -> None:
        cancelled = self.book(self.w.nurse_sato, tokyo(2026, 12, 2, 23), tokyo(2026, 12, 3, 10))
        cancelled.status = Booking.Status.CANCELLED
        cancelled.save(update_fields=["status"])
        slot = self.at_nine()
        assert slot is not None
        self.assertEqual(set(slot.nurse_ids), {self.w.nurse_sato.id, self.w.nurse_kato.id})

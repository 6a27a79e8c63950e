"""open_slots(first_day_only=True): each site stops at its first day with a slot, which is
what the dashboard's "next free slot" needs; that day's slots are exactly the full answer's."""

from __future__ import annotations

import datetime as dt

from scheduling.availability import Slot, open_slots
from scheduling.models import TimeOff
from tests.base import NOW, TOKYO, BaseTestCase, tokyo


class OpenSlotsFirstDayTest(BaseTestCase):
    def slots(self, **kwargs: object) -> list[Slot]:
        w = self.w
        return open_slots(
            municipality=w.katsushika,
            interview_type=w.itype,
            date_from=NOW.date(),
            date_to=NOW.date() + dt.timedelta(days=60),
            site_ids=[w.aoto.id, w.niccowa.id, w.eki.id],
            now=NOW,
            **kwargs,  # type: ignore[arg-type]
        )

    def assert_first_days_match_the_full_answer(self) -> None:
        full = self.slots()
        first = self.slots(first_day_only=True)
        expected = []
        for site_id in {s.site_id for s in full}:
            mine = [s for s in full if s.site_id == site_id]
            day = mine[0].start.astimezone(TOKYO).date()
            expected += [s for s in mine if s.start.astimezone(TOKYO).date() == day]
        self.assertEqual(first, sorted(expected, key=lambda s: (s.start, s.site_id)))
        self.assertEqual({s.site_id for s in first}, {s.site_id for s in full})

    def test_each_site_stops_at_its_first_day_with_a_slot(self) -> None:
        self.assert_first_days_match_the_full_answer()
        # えきにこわ needs four days' notice and opens on Fridays only: its first day is later.
        days = {
            s.site_id: s.start.astimezone(TOKYO).date() for s in self.slots(first_day_only=True)
        }
        self.assertEqual(days[self.w.eki.id], dt.date(2026, 12, 11))

    def test_a_day_with_no_free_slot_is_skipped_for_the_next(self) -> None:
        niccowa = self.w.niccowa
        first = [s for s in self.slots(first_day_only=True) if s.site_id == niccowa.id]
        day = first[0].start.astimezone(TOKYO).date()
        # Her only nurse is away all that day.
        TimeOff.objects.create(
            nurse=self.w.nurse_ito,
            start=dt.datetime.combine(day, dt.time(0), tzinfo=TOKYO),
            end=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=TOKYO),
        )
        self.assert_first_days_match_the_full_answer()
        later = [s for s in self.slots(first_day_only=True) if s.site_id == niccowa.id]
        self.assertGreater(later[0].start.astimezone(TOKYO).date(), day)

    def test_it_costs_the_same_queries(self) -> None:
        with self.assertNumQueries(3):
            self.slots(first_day_only=True)
        self.assertEqual(tokyo(2026, 12, 2, 9), self.slots(first_day_only=True)[0].start)

"""The engine's instants as whole POSIX seconds (issue 19): what the rounding and the day grid
must never change.

A busy time that ends or starts within a second of a slot still takes it (a read start rounds
down, an end up), a day whose UTC offset changes still gets its slots at the right wall-clock
times, and the reads stay at three (none when there is no site to read).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from scheduling.availability import open_slots
from scheduling.models import BusyBlock, TimeOff
from tests.base import NOW, TOKYO, BaseTestCase, tokyo

LONDON = ZoneInfo("Europe/London")
THURSDAY = dt.date(2026, 12, 3)  # 青戸: 佐藤 and 加藤, 09:00–12:00 and 13:00–16:00, two rooms


class IntegerInstantsTest(BaseTestCase):
    def slots(self, day: dt.date, **kwargs):  # type: ignore[no-untyped-def]
        return open_slots(
            municipality=kwargs.pop("municipality", self.w.katsushika),
            interview_type=self.w.itype,
            date_from=day,
            date_to=day,
            site_ids=kwargs.pop("site_ids", [self.w.aoto.id]),
            now=kwargs.pop("now", NOW),
            **kwargs,
        )

    def nurses_at(self, start: dt.datetime) -> tuple[int, ...]:
        day = start.astimezone(TOKYO).date()
        return next((s.nurse_ids for s in self.slots(day) if s.start == start), ())

    def test_a_busy_time_ending_half_a_second_into_a_slot_takes_it(self) -> None:
        BusyBlock.objects.create(
            nurse=self.w.nurse_sato,
            start=tokyo(2026, 12, 3, 9, 30),
            end=tokyo(2026, 12, 3, 10, 0) + dt.timedelta(milliseconds=500),
        )
        self.assertEqual(self.nurses_at(tokyo(2026, 12, 3, 10)), (self.w.nurse_kato.id,))
        # …and one ending exactly at a slot's start leaves it free.
        BusyBlock.objects.create(
            nurse=self.w.nurse_kato,
            start=tokyo(2026, 12, 3, 13, 0),
            end=tokyo(2026, 12, 3, 14, 0),
        )
        self.assertIn(self.w.nurse_kato.id, self.nurses_at(tokyo(2026, 12, 3, 14)))

    def test_time_off_starting_half_a_second_before_a_slot_ends_takes_it(self) -> None:
        TimeOff.objects.create(
            nurse=self.w.nurse_kato,
            start=tokyo(2026, 12, 3, 11, 30) - dt.timedelta(milliseconds=500),
            end=tokyo(2026, 12, 3, 12, 0),
        )
        self.assertEqual(self.nurses_at(tokyo(2026, 12, 3, 11)), (self.w.nurse_sato.id,))
        self.assertEqual(self.nurses_at(tokyo(2026, 12, 3, 11, 30)), (self.w.nurse_sato.id,))
        self.assertEqual(len(self.nurses_at(tokyo(2026, 12, 3, 10, 30))), 2)

    def test_the_day_clocks_go_forward_keeps_the_wall_clock_times(self) -> None:
        # にこわ: 伊藤 every day 10:00–12:00. In a zone with summer time, the day the clocks go
        # forward (Sunday 2027-03-28 in London) has 23 hours: the slots stay at 10:00 local.
        katsushika = self.w.katsushika
        katsushika.time_zone = "Europe/London"
        katsushika.save(update_fields=["time_zone"])
        now = dt.datetime(2027, 3, 20, 9, 0, tzinfo=LONDON)
        for day in (dt.date(2027, 3, 27), dt.date(2027, 3, 28), dt.date(2027, 3, 29)):
            slots = self.slots(day, municipality=katsushika, site_ids=[self.w.niccowa.id], now=now)
            self.assertEqual(
                [s.start for s in slots],
                [
                    dt.datetime.combine(day, dt.time(h, m), tzinfo=LONDON)
                    for h, m in ((10, 0), (10, 30), (11, 0), (11, 30))
                ],
            )
            self.assertEqual([s.start.utcoffset() for s in slots], [slots[0].start.utcoffset()] * 4)
            self.assertTrue(all(s.end - s.start == self.w.itype.duration for s in slots))

    def test_three_reads_and_none_for_no_site(self) -> None:
        with self.assertNumQueries(3):
            self.assertTrue(self.slots(THURSDAY))
        with self.assertNumQueries(0):
            self.assertEqual(self.slots(THURSDAY, site_ids=[]), [])

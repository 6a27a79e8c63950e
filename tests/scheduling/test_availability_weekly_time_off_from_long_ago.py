"""A weekly time off that began long before the dates asked for still takes its weekday, and
stops after its last week (issue 19: the engine goes straight to the first week that reaches
the range instead of walking every week since it began)."""

from __future__ import annotations

import datetime as dt

from scheduling.availability import open_slots
from scheduling.models import TimeOff
from tests.base import NOW, BaseTestCase, tokyo

THURSDAY = dt.date(2026, 12, 3)  # 青戸: 佐藤 and 加藤, 09:00–12:00 and 13:00–16:00, two rooms


class WeeklyTimeOffFromLongAgoTest(BaseTestCase):
    def nurses_at(self, start: dt.datetime, date_to: dt.date) -> set[int]:
        slots = open_slots(
            municipality=self.w.katsushika,
            interview_type=self.w.itype,
            date_from=THURSDAY,
            date_to=date_to,
            site_ids=[self.w.aoto.id],
            now=NOW,
        )
        return next((set(s.nurse_ids) for s in slots if s.start == start), set())

    def test_thursday_mornings_off_since_last_year_take_this_thursday_and_the_next(self) -> None:
        # 佐藤 has had Thursday mornings off every week since a Thursday in 2025.
        first = tokyo(2025, 10, 2, 9)
        TimeOff.objects.create(
            nurse=self.w.nurse_sato,
            start=first,
            end=first + dt.timedelta(hours=3),
            weekly_until=dt.date(2026, 12, 10),
        )
        kato = {self.w.nurse_kato.id}
        both = kato | {self.w.nurse_sato.id}
        month = THURSDAY + dt.timedelta(days=20)
        self.assertEqual(self.nurses_at(tokyo(2026, 12, 3, 9), month), kato)
        self.assertEqual(self.nurses_at(tokyo(2026, 12, 3, 11, 30), month), kato)
        self.assertEqual(self.nurses_at(tokyo(2026, 12, 3, 13), month), both)
        self.assertEqual(self.nurses_at(tokyo(2026, 12, 10, 9), month), kato)
        # Her last week was the 10th: the 17th is hers again.
        self.assertEqual(self.nurses_at(tokyo(2026, 12, 17, 9), month), both)
        # The same answer for a range of that one day.
        self.assertEqual(self.nurses_at(tokyo(2026, 12, 3, 9), THURSDAY), kato)

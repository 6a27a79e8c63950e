"""The engine over a month gives what it gives day by day (issue 19, fourth round).

Over more than a week the engine makes each nurse's slot times once per weekday (and whether
the site is open) when every rule is valid over the whole range, and day by day otherwise; it
keeps the nurses free at a start and the rooms in use as bit masks. Whichever way it went, a
month must be exactly the days asked one at a time: same slots, same nurses in the same order
(least loaded that day first), same rooms. On PostgreSQL the reads' text must not depend on how
many sites and nurses there are (one prepared statement per read, and psycopg keeps its parsing
of a statement only up to 50 parameters).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from scheduling.availability import open_slots, reads
from scheduling.models import AvailabilityRule
from tests.base import NOW, BaseTestCase

FIRST = dt.date(2026, 12, 1)
LAST = dt.date(2026, 12, 31)


class MonthIsItsDaysTest(BaseTestCase):
    def slots(self, first: dt.date, last: dt.date, site_ids=None):  # type: ignore[no-untyped-def]
        return [
            (s.site_id, s.start, s.end, s.nurse_ids, s.free_rooms)
            for s in open_slots(
                municipality=self.w.katsushika,
                interview_type=self.w.itype,
                date_from=first,
                date_to=last,
                site_ids=site_ids,
                now=NOW,
            )
        ]

    def by_days(self, first: dt.date, last: dt.date, site_ids=None):  # type: ignore[no-untyped-def]
        found = []
        day = first
        while day <= last:
            found += self.slots(day, day, site_ids)
            day += dt.timedelta(days=1)
        return sorted(found, key=lambda s: (s[1], s[0]))

    def test_every_rule_valid_all_month(self) -> None:
        month = self.slots(FIRST, LAST)
        self.assertTrue(month)
        self.assertEqual(month, self.by_days(FIRST, LAST))

    def test_a_rule_starting_and_one_ending_within_the_month(self) -> None:
        rules = list(AvailabilityRule.objects.filter(site=self.w.aoto).order_by("id"))
        self.assertGreaterEqual(len(rules), 2)
        AvailabilityRule.objects.filter(pk=rules[0].pk).update(valid_from=dt.date(2026, 12, 10))
        AvailabilityRule.objects.filter(pk=rules[1].pk).update(valid_to=dt.date(2026, 12, 17))
        month = self.slots(FIRST, LAST, [self.w.aoto.id])
        self.assertTrue(month)
        self.assertEqual(month, self.by_days(FIRST, LAST, [self.w.aoto.id]))

    def test_postgresql_reads_do_not_depend_on_the_number_of_ids(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only: SQLite has no arrays, its IN lists follow the ids")
        vendor = connection.vendor
        for kind in ("sites", "rules", "taken"):
            self.assertEqual(reads._sql(vendor, kind, 1, 1), reads._sql(vendor, kind, 24, 12))
            self.assertLessEqual(reads._sql(vendor, kind, 24, 12).count("%s"), 50)

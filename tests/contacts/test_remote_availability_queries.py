"""Availability for a remote interview (issue 15) is read in a fixed number of queries, whether
for one day or a whole month and however many nurses have remote hours: the month's figure in
bench/bench_contacts.py (< 15 ms on SQLite) rests on it."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.availability import open_slots
from scheduling.models import AvailabilityRule
from tests.base import BaseTestCase
from tests.contacts.helpers import remote_hours, remote_interview_contact

# scheduling/availability's reads for one interview type (update downward if the engine reads less).
QUERIES = 3


class RemoteAvailabilityQueriesTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        contact = remote_interview_contact(self.w)
        assert contact.interview_type is not None
        self.itype = contact.interview_type
        remote_hours(self.w)

    def slots(self, days: int) -> int:
        start = dt.date(2026, 12, 2)
        return len(
            open_slots(
                municipality=self.w.katsushika,
                interview_type=self.itype,
                date_from=start,
                date_to=start + dt.timedelta(days=days - 1),
                mode="video",
            )
        )

    def test_one_day_and_one_month_take_the_same_queries(self) -> None:
        with CaptureQueriesContext(connection) as day:
            self.slots(1)
        with self.assertNumQueries(len(day.captured_queries)):
            month = self.slots(31)
        self.assertGreater(month, 40)
        self.assertLessEqual(len(day.captured_queries), QUERIES)

    def test_more_nurses_with_remote_hours_take_no_more_queries(self) -> None:
        with CaptureQueriesContext(connection) as before:
            self.slots(31)
        for nurse in (self.w.nurse_sato, self.w.nurse_ito):
            site = nurse.sites.order_by("pk")[0]
            for weekday in range(5):
                AvailabilityRule.objects.create(
                    nurse=nurse,
                    site=site,
                    weekday=weekday,
                    start_time=dt.time(19),
                    end_time=dt.time(21),
                    valid_from=dt.date(2026, 1, 1),
                    remote=True,
                )
        with self.assertNumQueries(len(before.captured_queries)):
            self.slots(31)

"""Known answers for the figures the report folds from grouped rows (lead-time and gestation
buckets at their exact boundaries, negative lead times, missing due dates, late cancellations,
channels, a local date past midnight UTC) and for capacity when a rule starts or ends inside
the period or a public holiday falls in it."""

from __future__ import annotations

import datetime as dt
import itertools

from scheduling.models import (
    AvailabilityRule,
    Booking,
    BookingEvent,
    Nurse,
    Pregnancy,
    Site,
    User,
)
from scheduling.reports import GESTATION_BUCKETS, LEAD_TIME_BUCKETS, utilisation_report
from tests.base import NOW, WEEKDAYS, BaseTestCase, tokyo

MONDAY = dt.date(2026, 11, 16)
THURSDAY = dt.date(2026, 11, 19)
HOLIDAY = dt.date(2026, 11, 23)  # 勤労感謝の日, a Monday


class ReportGroupsTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.w
        cls.site = Site.objects.create(
            municipality=w.katsushika,
            code="edges",
            name="境界",
            address="葛飾区",
            rooms=2,
            open_weekdays=WEEKDAYS,
            modes=["in_person"],
        )
        cls.nurse = cls._nurse("edges-a")
        for day in WEEKDAYS:
            cls._rule(cls.nurse, day, dt.time(9), dt.time(14), dt.date(2026, 1, 1), None)

    @classmethod
    def _nurse(cls, name: str) -> Nurse:
        user = User.objects.create_user(email=f"{name}@katsushika.example", password="x")
        nurse = Nurse.objects.create(user=user, municipality=cls.w.katsushika, name=name)
        nurse.sites.set([cls.site])
        return nurse

    @classmethod
    def _rule(
        cls,
        nurse: Nurse,
        weekday: int,
        start: dt.time,
        end: dt.time,
        valid_from: dt.date,
        valid_to: dt.date | None,
    ) -> None:
        AvailabilityRule.objects.create(
            nurse=nurse,
            site=cls.site,
            weekday=weekday,
            start_time=start,
            end_time=end,
            valid_from=valid_from,
            valid_to=valid_to,
        )

    def book(
        self,
        start: dt.datetime,
        *,
        lead: dt.timedelta | None = dt.timedelta(days=10),
        due_in_days: int | None = 150,
        status: str = Booking.Status.ATTENDED,
        channel: str = Booking.Channel.ONLINE,
        late: bool | None = None,
    ) -> None:
        due = None if due_in_days is None else start.date() + dt.timedelta(days=due_in_days)
        pregnancy = Pregnancy.objects.create(resident=self.w.hanako, due_date=due)
        booking = Booking.objects.create(
            municipality=self.w.katsushika,
            pregnancy=pregnancy,
            site=self.site,
            nurse=self.nurse,
            interview_type=self.w.itype,
            start=start,
            end=start + dt.timedelta(minutes=30),
            blocked_until=start + dt.timedelta(minutes=30),
            status=status,
            room=1,
            channel=channel,
            confirmed_at=None if lead is None else start - lead,
        )
        if late is not None:
            BookingEvent.objects.create(
                booking=booking, kind=BookingEvent.Kind.CANCELLED, data={"late": late}
            )

    def report(self, date_from: dt.date = MONDAY, date_to: dt.date = THURSDAY):  # type: ignore[no-untyped-def]
        return utilisation_report(
            site_ids=[self.site.id],
            date_from=date_from,
            date_to=date_to,
            now=NOW,
            include_next_free=False,
        )

    def test_the_bucket_definitions_are_contiguous_so_one_case_can_place_a_row(self) -> None:
        # reports._lead_bucket/_week_bucket test upper bounds in order and rely on this.
        for (_a, _low, high), (_b, low, _high) in itertools.pairwise(LEAD_TIME_BUCKETS):
            self.assertEqual(high, low)
        self.assertIsNone(LEAD_TIME_BUCKETS[-1][2])
        for (_a, _first, last), (_b, first, _last) in itertools.pairwise(GESTATION_BUCKETS):
            self.assertEqual(last + 1, first)  # type: ignore[operator]
        self.assertIsNone(GESTATION_BUCKETS[0][1])
        self.assertIsNone(GESTATION_BUCKETS[-1][2])

    def test_lead_times_fall_in_buckets_at_their_exact_boundaries(self) -> None:
        self.book(tokyo(2026, 11, 16, 9), lead=dt.timedelta(days=3))  # 3.0 → 3–6
        self.book(tokyo(2026, 11, 16, 10), lead=dt.timedelta(days=2, hours=23))  # → 0–2
        self.book(tokyo(2026, 11, 16, 11), lead=dt.timedelta(days=28))  # → 28+
        self.book(tokyo(2026, 11, 16, 12), lead=dt.timedelta(days=13, hours=23))  # → 7–13
        # Confirmed an hour after it started: in the average, in no bucket.
        self.book(tokyo(2026, 11, 16, 13), lead=-dt.timedelta(hours=1))
        self.book(tokyo(2026, 11, 17, 9), lead=None)  # never confirmed: in neither
        report = self.report()
        self.assertEqual(report.lead_time, {"0–2": 1, "3–6": 1, "7–13": 1, "14–27": 0, "28+": 1})
        self.assertEqual(report.totals.lead_time_count, 5)
        expected = (3 + (2 + 23 / 24) + 28 + (13 + 23 / 24) - 1 / 24) / 5
        self.assertAlmostEqual(report.totals.lead_time_days, expected, places=6)

    def test_gestational_weeks_fall_in_buckets_at_their_exact_boundaries(self) -> None:
        self.book(tokyo(2026, 11, 16, 9), due_in_days=196)  # week 12.0 → 12–15
        self.book(tokyo(2026, 11, 16, 10), due_in_days=197)  # week 11.9 → –11
        self.book(tokyo(2026, 11, 16, 11), due_in_days=84)  # week 28.0 → 28+
        self.book(tokyo(2026, 11, 16, 12), due_in_days=85)  # week 27.9 → 20–27
        self.book(tokyo(2026, 11, 16, 13), due_in_days=None)  # no due date: in neither
        report = self.report()
        self.assertEqual(report.gestation, {"–11": 1, "12–15": 1, "16–19": 0, "20–27": 1, "28+": 1})
        self.assertEqual(report.totals.gestation_count, 4)
        self.assertAlmostEqual(
            report.totals.gestational_week, (280 - (196 + 197 + 84 + 85) / 4) / 7, places=6
        )

    def test_the_interview_day_is_the_local_date_even_past_midnight_utc(self) -> None:
        # 00:30 in Tokyo on Tuesday is 15:30 UTC on Monday.
        self.book(tokyo(2026, 11, 17, 0, 30), due_in_days=196)
        report = self.report()
        days = {d.day: d.booked_slots for d in report.days}
        self.assertEqual((days[MONDAY], days[dt.date(2026, 11, 17)]), (0, 1))
        self.assertEqual(report.gestation["12–15"], 1)  # 196 days from the local date

    def test_statuses_channels_and_late_cancellations_are_told_apart(self) -> None:
        self.book(tokyo(2026, 11, 16, 9), channel=Booking.Channel.API)
        self.book(tokyo(2026, 11, 16, 10), status=Booking.Status.NO_SHOW)
        self.book(tokyo(2026, 11, 16, 11), status=Booking.Status.CONFIRMED, channel="staff")
        self.book(tokyo(2026, 11, 16, 12), status=Booking.Status.CANCELLED, late=True)
        self.book(tokyo(2026, 11, 16, 13), status=Booking.Status.CANCELLED, late=False)
        self.book(tokyo(2026, 11, 17, 9), status=Booking.Status.CANCELLED)  # no event
        self.book(
            tokyo(2026, 11, 17, 10), status=Booking.Status.EXPIRED
        )  # a lapsed hold: never counted
        row = self.report().rows[0]
        self.assertEqual(
            (row.booked_slots, row.attended_slots, row.no_shows, row.cancelled),
            (3, 1, 1, 3),
        )
        self.assertEqual((row.late_cancellations, row.online, row.staff, row.api), (1, 1, 1, 1))
        self.assertEqual((row.booked_minutes, row.attended_minutes), (90, 30))
        # Cancelled bookings count in no average or distribution.
        self.assertEqual((row.lead_time_count, row.gestation_count), (3, 3))

    def test_a_rule_starting_and_ending_inside_the_period_counts_only_where_valid(self) -> None:
        other = self._nurse("edges-b")
        wednesday = dt.date(2026, 11, 18)
        for day in WEEKDAYS:
            self._rule(other, day, dt.time(9), dt.time(11), wednesday, wednesday)
        report = self.report()
        self.assertEqual(report.totals.offered_slots, 4 * 10 + 4)
        offered = {d.day: d.offered_slots for d in report.days}
        self.assertEqual(
            offered, {MONDAY: 10, MONDAY + dt.timedelta(1): 10, wednesday: 14, THURSDAY: 10}
        )

    def test_nothing_is_offered_on_a_public_holiday(self) -> None:
        report = self.report(HOLIDAY, HOLIDAY + dt.timedelta(days=1))
        self.assertEqual([d.offered_slots for d in report.days], [0, 10])

    def test_the_next_free_slot_adds_the_engines_three_queries_and_no_more(self) -> None:
        with self.assertNumQueries(9 + 3):
            report = utilisation_report(
                site_ids=[self.site.id], date_from=MONDAY, date_to=THURSDAY, now=NOW
            )
        # Tuesday 1 December 09:00 is inside the 24 h notice; Wednesday's first slot is free.
        self.assertEqual(report.rows[0].next_free_slot, tokyo(2026, 12, 2, 9))

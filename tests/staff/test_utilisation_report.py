"""Dashboard figures on a fixture whose answers are known in advance, checked exactly.

A small site with one nurse offering 09:00–14:00 on weekdays (10 half-hour slots a day) over
Monday 16 – Thursday 19 November 2026: 40 slots offered. 30 of them are booked (25 attended,
3 no-shows, 2 still confirmed), so utilisation is 75% and the no-show rate 10% of booked.
"""

from __future__ import annotations

import datetime as dt

from notifications.models import Message
from scheduling.models import (
    AvailabilityRule,
    Booking,
    BookingEvent,
    Nurse,
    Pregnancy,
    Site,
    SiteClosure,
    TimeOff,
    User,
)
from scheduling.reports import utilisation_report
from tests.base import NOW, WEEKDAYS, BaseTestCase, tokyo

MONDAY = dt.date(2026, 11, 16)
THURSDAY = dt.date(2026, 11, 19)


class KnownAnswersTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.w
        cls.site = Site.objects.create(
            municipality=w.katsushika,
            code="known",
            name="既知",
            address="葛飾区",
            rooms=2,
            open_weekdays=WEEKDAYS,
            modes=["in_person"],
        )
        user = User.objects.create_user(email="known@katsushika.example", password="x")
        cls.nurse = Nurse.objects.create(user=user, municipality=w.katsushika, name="既知 看護")
        cls.nurse.sites.set([cls.site])
        for day in WEEKDAYS:
            AvailabilityRule.objects.create(
                nurse=cls.nurse,
                site=cls.site,
                weekday=day,
                start_time=dt.time(9),
                end_time=dt.time(14),
                valid_from=dt.date(2026, 1, 1),
            )
        for i in range(34):
            day = MONDAY + dt.timedelta(days=i // 10)
            start = tokyo(day.year, day.month, day.day, 9) + dt.timedelta(minutes=30 * (i % 10))
            if i < 25:
                status = Booking.Status.ATTENDED
            elif i < 28:
                status = Booking.Status.NO_SHOW
            elif i < 30:
                status = Booking.Status.CONFIRMED
            else:
                status = Booking.Status.CANCELLED
            week = 10 if i < 10 else 14 if i < 20 else 20
            pregnancy = Pregnancy.objects.create(
                resident=w.hanako, due_date=day + dt.timedelta(days=280 - 7 * week)
            )
            booking = Booking.objects.create(
                municipality=w.katsushika,
                pregnancy=pregnancy,
                site=cls.site,
                nurse=cls.nurse,
                interview_type=w.itype,
                start=start,
                end=start + dt.timedelta(minutes=30),
                blocked_until=start + dt.timedelta(minutes=30),
                status=status,
                room=1,
                channel=Booking.Channel.ONLINE if i < 21 else Booking.Channel.STAFF,
                confirmed_at=start - dt.timedelta(days=10),
            )
            if status == Booking.Status.CANCELLED:
                BookingEvent.objects.create(
                    booking=booking, kind=BookingEvent.Kind.CANCELLED, data={"late": i < 32}
                )
        first = Booking.objects.filter(site=cls.site).first()
        for channel in (Message.Channel.SMS, Message.Channel.EMAIL):
            Message.objects.create(
                booking=first,
                municipality=w.katsushika,
                purpose=Message.Purpose.REMINDER,
                channel=channel,
                recipient="x",
                status=Message.Status.FAILED,
                send_at=tokyo(2026, 11, 15, 9),
            )

    def report(self, **kwargs):  # type: ignore[no-untyped-def]
        return utilisation_report(
            site_ids=[self.site.id], date_from=MONDAY, date_to=THURSDAY, now=NOW, **kwargs
        )

    def test_it_counts_40_offered_30_booked_25_attended_and_3_no_shows(self) -> None:
        row = self.report().rows[0]
        self.assertEqual(
            (row.offered_slots, row.booked_slots, row.attended_slots, row.no_shows),
            (40, 30, 25, 3),
        )
        self.assertEqual(
            (row.offered_minutes, row.booked_minutes, row.attended_minutes), (1200, 900, 750)
        )

    def test_utilisation_is_75_percent_and_no_shows_10_percent_of_booked(self) -> None:
        row = self.report().totals
        self.assertEqual(row.utilisation, 0.75)
        self.assertEqual(row.no_show_rate, 0.1)
        self.assertAlmostEqual(row.attendance_rate, 25 / 30)

    def test_late_cancellations_are_counted_from_the_event_log(self) -> None:
        row = self.report().totals
        self.assertEqual((row.cancelled, row.late_cancellations), (4, 2))
        self.assertAlmostEqual(row.late_cancellation_rate, 2 / 34)

    def test_online_share_is_the_part_booked_by_residents_themselves(self) -> None:
        row = self.report().totals
        self.assertEqual((row.online, row.staff), (21, 9))
        self.assertAlmostEqual(row.online_share, 0.7)

    def test_lead_time_and_gestational_week_are_averaged_in_the_database(self) -> None:
        report = self.report()
        self.assertAlmostEqual(report.totals.lead_time_days, 10.0)
        self.assertAlmostEqual(report.totals.gestational_week, (10 * 10 + 14 * 10 + 20 * 10) / 30)
        self.assertEqual(report.lead_time, {"0–2": 0, "3–6": 0, "7–13": 30, "14–27": 0, "28+": 0})
        self.assertEqual(
            report.gestation, {"–11": 10, "12–15": 10, "16–19": 0, "20–27": 10, "28+": 0}
        )

    def test_failed_messages_of_the_period_are_counted_per_site(self) -> None:
        self.assertEqual(self.report().totals.failed_messages, 0)  # sent the day before
        report = utilisation_report(
            site_ids=[self.site.id], date_from=MONDAY - dt.timedelta(1), date_to=THURSDAY, now=NOW
        )
        self.assertEqual(report.totals.failed_messages, 2)

    def test_days_carry_offered_booked_and_attended(self) -> None:
        days = {d.day: d for d in self.report().days}
        self.assertEqual(len(days), 4)
        monday, thursday = days[MONDAY], days[THURSDAY]
        self.assertEqual(
            (monday.offered_slots, monday.booked_slots, monday.attended_slots), (10, 10, 10)
        )
        # Thursday: slots 30–33 were cancelled, so nothing is booked.
        self.assertEqual((thursday.offered_slots, thursday.booked_slots), (10, 0))

    def test_closures_and_time_off_reduce_what_was_offered(self) -> None:
        SiteClosure.objects.create(
            municipality=self.w.katsushika, site=self.site, date_from=MONDAY, date_to=MONDAY
        )
        TimeOff.objects.create(
            nurse=self.nurse, start=tokyo(2026, 11, 17, 9), end=tokyo(2026, 11, 17, 10)
        )
        self.assertEqual(self.report().totals.offered_slots, 40 - 10 - 2)

    def test_rooms_cap_what_several_nurses_can_offer_at_once(self) -> None:
        # 青戸: two nurses and two rooms, 12 slots each a weekday; a third nurse adds nothing.
        aoto = self.w.aoto
        week = utilisation_report(
            site_ids=[aoto.id], date_from=MONDAY, date_to=THURSDAY, now=NOW, include_next_free=False
        )
        self.assertEqual(week.totals.offered_slots, 4 * 24)
        AvailabilityRule.objects.create(
            nurse=self.nurse,
            site=aoto,
            weekday=0,
            start_time=dt.time(9),
            end_time=dt.time(12),
            valid_from=dt.date(2026, 1, 1),
        )
        week = utilisation_report(
            site_ids=[aoto.id], date_from=MONDAY, date_to=THURSDAY, now=NOW, include_next_free=False
        )
        self.assertEqual(week.totals.offered_slots, 4 * 24)

    def test_next_free_slot_is_the_first_a_resident_could_book_online_now(self) -> None:
        report = utilisation_report(
            site_ids=[self.w.aoto.id], date_from=MONDAY, date_to=THURSDAY, now=NOW
        )
        self.assertEqual(report.rows[0].next_free_slot, tokyo(2026, 12, 2, 9))

    def test_the_csv_rows_have_a_header_each_site_and_a_total(self) -> None:
        rows = self.report().to_csv_rows()
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows[1][:4], ["既知", "40", "1200", "30"])
        self.assertEqual(rows[2][10], "75.0")

    def test_it_uses_a_fixed_number_of_queries_whatever_the_period(self) -> None:
        with self.assertNumQueries(9):
            utilisation_report(
                site_ids=[self.site.id, self.w.aoto.id],
                date_from=MONDAY,
                date_to=THURSDAY,
                now=NOW,
                include_next_free=False,
            )
        with self.assertNumQueries(9):
            utilisation_report(
                site_ids=[self.site.id, self.w.aoto.id],
                date_from=dt.date(2026, 1, 1),
                date_to=dt.date(2026, 12, 31),
                now=NOW,
                include_next_free=False,
            )

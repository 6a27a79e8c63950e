"""The availability engine: slots from rules minus everything that takes time away."""

from __future__ import annotations

import datetime as dt

from scheduling.availability import days_with_slots, open_slots
from scheduling.models import Booking, BusyBlock, SiteClosure, TimeOff
from scheduling.services import booking_create, booking_hold
from tests.base import NOW, TOKYO, BaseTestCase, tokyo


class AvailabilityTest(BaseTestCase):
    def slots(self, day: dt.date, site=None, **kwargs):  # type: ignore[no-untyped-def]
        site = site or self.w.aoto
        return open_slots(
            municipality=self.w.katsushika,
            interview_type=self.w.itype,
            date_from=day,
            date_to=kwargs.pop("date_to", day),
            site_ids=[site.id],
            now=NOW,
            **kwargs,
        )

    def test_it_offers_the_rules_of_a_weekday_with_two_nurses_and_two_rooms(self) -> None:
        slots = self.slots(dt.date(2026, 12, 3))
        starts = [s.start.astimezone(TOKYO).strftime("%H:%M") for s in slots]
        self.assertEqual(
            starts,
            [
                "09:00",
                "09:30",
                "10:00",
                "10:30",
                "11:00",
                "11:30",
                "13:00",
                "13:30",
                "14:00",
                "14:30",
                "15:00",
                "15:30",
            ],
        )
        self.assertTrue(all(s.capacity == 2 for s in slots))

    def test_it_respects_the_minimum_notice(self) -> None:
        # NOW is Tuesday 09:00; 24 hours' notice leaves Wednesday from 09:00 on.
        wednesday = self.slots(dt.date(2026, 12, 2))
        self.assertEqual(wednesday[0].start, tokyo(2026, 12, 2, 9, 0))
        self.assertEqual(self.slots(dt.date(2026, 12, 1)), [])

    def test_a_site_with_four_days_notice_opens_on_the_fourth_day(self) -> None:
        # えきにこわ: Friday evenings only, and 4 days ahead; Friday 12/4 is only 3 days away.
        self.assertEqual(self.slots(dt.date(2026, 12, 4), site=self.w.eki), [])
        slots = self.slots(dt.date(2026, 12, 11), site=self.w.eki)
        self.assertEqual(
            [s.start.astimezone(TOKYO).strftime("%H:%M") for s in slots],
            ["17:00", "17:30", "18:00"],
        )  # last start 18:15

    def test_it_stops_at_the_booking_horizon(self) -> None:
        last_day = NOW.date() + dt.timedelta(days=60)
        # Find the last weekday inside the window and the first one outside.
        self.assertEqual(
            self.slots(last_day + dt.timedelta(days=1), date_to=last_day + dt.timedelta(days=10)),
            [],
        )

    def test_a_booking_takes_one_nurse_and_one_room(self) -> None:
        start = tokyo(2026, 12, 3, 10, 0)
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=start,
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        slot = next(s for s in self.slots(dt.date(2026, 12, 3)) if s.start == start)
        self.assertEqual(slot.capacity, 1)
        self.assertEqual(slot.free_rooms, (2,))

    def test_time_off_and_busy_blocks_remove_a_nurse(self) -> None:
        TimeOff.objects.create(
            nurse=self.w.nurse_sato, start=tokyo(2026, 12, 3, 9), end=tokyo(2026, 12, 3, 12)
        )
        BusyBlock.objects.create(
            nurse=self.w.nurse_kato, start=tokyo(2026, 12, 3, 11), end=tokyo(2026, 12, 3, 11, 15)
        )
        by_time = {
            s.start.astimezone(TOKYO).strftime("%H:%M"): s for s in self.slots(dt.date(2026, 12, 3))
        }
        self.assertEqual(by_time["09:00"].nurse_ids, (self.w.nurse_kato.id,))
        self.assertNotIn("11:00", by_time)  # Sato is off, Kato is busy 11:00–11:15
        self.assertEqual(by_time["13:00"].capacity, 2)

    def test_weekly_time_off_repeats_until_its_end(self) -> None:
        TimeOff.objects.create(
            nurse=self.w.nurse_sato,
            start=tokyo(2026, 12, 2, 13),
            end=tokyo(2026, 12, 2, 16),
            weekly_until=dt.date(2026, 12, 16),
        )
        for day, expected in [
            (dt.date(2026, 12, 9), 1),
            (dt.date(2026, 12, 16), 1),
            (dt.date(2026, 12, 23), 2),
        ]:
            afternoon = [s for s in self.slots(day) if s.start.astimezone(TOKYO).hour >= 13]
            self.assertTrue(all(s.capacity == expected for s in afternoon), day)

    def test_an_unexpired_hold_counts_and_an_expired_one_does_not(self) -> None:
        start = tokyo(2026, 12, 3, 9, 0)
        hold = booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=start, now=NOW)
        slot = next(s for s in self.slots(dt.date(2026, 12, 3)) if s.start == start)
        self.assertEqual(slot.capacity, 1)
        later = NOW + dt.timedelta(minutes=11)
        slots = open_slots(
            municipality=self.w.katsushika,
            interview_type=self.w.itype,
            date_from=dt.date(2026, 12, 3),
            date_to=dt.date(2026, 12, 3),
            site_ids=[self.w.aoto.id],
            now=later,
        )
        self.assertEqual(next(s for s in slots if s.start == start).capacity, 2)
        self.assertEqual(Booking.objects.get(pk=hold.pk).status, Booking.Status.HELD)

    def test_an_ad_hoc_closure_closes_one_site_or_all(self) -> None:
        SiteClosure.objects.create(
            municipality=self.w.katsushika,
            site=self.w.aoto,
            date_from=dt.date(2026, 12, 3),
            date_to=dt.date(2026, 12, 3),
        )
        self.assertEqual(self.slots(dt.date(2026, 12, 3)), [])
        self.assertNotEqual(self.slots(dt.date(2026, 12, 3), site=self.w.niccowa), [])
        SiteClosure.objects.create(
            municipality=self.w.katsushika,
            site=None,
            date_from=dt.date(2026, 12, 4),
            date_to=dt.date(2026, 12, 4),
        )
        self.assertEqual(self.slots(dt.date(2026, 12, 4), site=self.w.niccowa), [])

    def test_nurses_are_assigned_by_load(self) -> None:
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 9),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        first = Booking.objects.get(pregnancy=self.w.hanako_pregnancy).nurse_id
        slot = next(
            s for s in self.slots(dt.date(2026, 12, 3)) if s.start == tokyo(2026, 12, 3, 14)
        )
        self.assertNotEqual(slot.nurse_ids[0], first)

    def test_the_month_calendar_counts_free_places_per_day(self) -> None:
        slots = self.slots(dt.date(2026, 12, 2), date_to=dt.date(2026, 12, 4))
        self.assertEqual(
            days_with_slots(slots, TOKYO),
            {dt.date(2026, 12, 2): 24, dt.date(2026, 12, 3): 24, dt.date(2026, 12, 4): 24},
        )

    def test_it_loads_in_a_fixed_number_of_queries_whatever_the_range(self) -> None:
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 9),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        with self.assertNumQueries(3):
            self.slots(dt.date(2026, 12, 2))
        with self.assertNumQueries(3):
            self.slots(dt.date(2026, 12, 2), date_to=dt.date(2027, 1, 31))
        with self.assertNumQueries(3):
            open_slots(
                municipality=self.w.katsushika,
                interview_type=self.w.itype,
                date_from=dt.date(2026, 12, 2),
                date_to=dt.date(2027, 1, 1),
                now=NOW,
            )

"""A booking decides from the site as it is in the database when it books, not from the copy the
caller read earlier (a request reads the site first; a manager may change it in between). On
PostgreSQL the site's row comes back with the day's rows under its share lock, as JSON
(scheduling/availability/intervals.site_and_day_locked): every field must survive that trip."""

from __future__ import annotations

import datetime as dt

from scheduling.models import Booking, Site
from scheduling.services import booking_create, booking_hold
from tests.base import BaseTestCase, tokyo
from yurikago.errors import DomainError

START = tokyo(2026, 12, 8, 10)


class BookingReadsTheSiteAsItIsNowTest(BaseTestCase):
    def test_a_room_taken_away_after_the_caller_read_the_site_is_not_booked(self) -> None:
        stale = Site.objects.select_related("municipality").get(pk=self.w.aoto.pk)
        self.assertEqual(stale.rooms, 2)
        booking_hold(site=stale, interview_type=self.w.itype, start=START)
        Site.objects.filter(pk=stale.pk).update(rooms=1)  # the manager closes room 2
        with self.assertRaises(DomainError) as refused:
            booking_hold(site=stale, interview_type=self.w.itype, start=START)
        self.assertEqual(refused.exception.code, "slot_unavailable")
        self.assertEqual(Booking.objects.filter(start=START).count(), 1)

    def test_a_day_closed_after_the_caller_read_the_site_is_refused_as_closed(self) -> None:
        stale = Site.objects.select_related("municipality").get(pk=self.w.aoto.pk)
        weekday = START.astimezone(stale.municipality.tz).weekday()
        Site.objects.filter(pk=stale.pk).update(open_weekdays=[d for d in range(7) if d != weekday])
        with self.assertRaises(DomainError) as refused:
            booking_create(
                site=stale,
                interview_type=self.w.itype,
                start=START,
                pregnancy=self.w.hanako_pregnancy,
            )
        self.assertEqual(refused.exception.code, "closed")
        self.assertFalse(Booking.objects.exists())

    def test_every_field_of_the_site_read_with_its_lock_is_the_row(self) -> None:
        from django.db import connection, transaction

        if connection.vendor != "postgresql":
            self.skipTest("the site comes back as JSON only on PostgreSQL (SQLite re-reads it)")
        from scheduling.availability.intervals import site_and_day_locked

        Site.objects.filter(pk=self.w.aoto.pk).update(
            last_start_time=dt.time(15, 30), closed_nth_weekdays=[[2, 2]], modes=["in_person"]
        )
        expected = Site.objects.select_related("municipality").get(pk=self.w.aoto.pk)
        with transaction.atomic():
            fresh, _rows = site_and_day_locked(expected, START.date(), START)
        assert fresh is not None
        for field in Site._meta.concrete_fields:
            self.assertEqual(
                getattr(fresh, field.attname), getattr(expected, field.attname), field.name
            )
        self.assertIs(fresh.municipality, expected.municipality)

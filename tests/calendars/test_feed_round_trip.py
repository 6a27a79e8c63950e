"""Our feeds are valid RFC 5545 for two independent parsers, and stable across edits."""

from __future__ import annotations

import datetime as dt

import icalendar
import time_machine
from django.test import override_settings
from ical.calendar_stream import IcsCalendarStream

from scheduling.calendars.services import nurse_feed_rotate, site_feed_rotate
from scheduling.models import Booking
from scheduling.services import booking_cancel, booking_create, booking_reschedule
from tests.base import NOW, BaseTestCase, tokyo


class FeedRoundTripTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.token = nurse_feed_rotate(nurse=self.w.nurse_sato)
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )

    def feed(self) -> bytes:
        response = self.client.get(f"/calendar/nurse/{self.token}.ics")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        return response.content

    def events(self, body: bytes) -> dict[str, icalendar.Event]:
        calendar = icalendar.Calendar.from_ical(body)
        return {str(e["UID"]): e for e in calendar.walk("VEVENT")}

    def test_the_feed_parses_with_icalendar_and_carries_the_calendar_properties(self) -> None:
        calendar = icalendar.Calendar.from_ical(self.feed())
        self.assertEqual(str(calendar["VERSION"]), "2.0")
        self.assertEqual(str(calendar["X-WR-CALNAME"]), "ゆりかご面接 – 佐藤 看護")
        self.assertEqual(calendar["REFRESH-INTERVAL"].dt, dt.timedelta(hours=1))
        self.assertEqual(str(calendar["X-PUBLISHED-TTL"]), "PT60M")
        (event,) = calendar.walk("VEVENT")
        self.assertEqual(str(event["UID"]), self.booking.calendar_uid)
        self.assertEqual(event["DTSTART"].dt, tokyo(2026, 12, 3, 10))
        self.assertEqual(event["DTSTART"].dt.utcoffset(), dt.timedelta(0))
        self.assertEqual(event["DTEND"].dt, tokyo(2026, 12, 3, 10, 30))
        self.assertEqual(event["SEQUENCE"], 0)
        self.assertEqual(event["DTSTAMP"].dt, NOW)
        self.assertIn("LAST-MODIFIED", event)
        self.assertEqual(str(event["STATUS"]), "CONFIRMED")
        self.assertIn(f"/staff/bookings/{self.booking.reference}/", str(event["URL"]))
        self.assertIn("青戸保健センター", str(event["LOCATION"]))

    def test_the_feed_parses_with_the_strict_ical_package(self) -> None:
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 4, 13, 30),
            pregnancy=self.w.mei_pregnancy,
            now=NOW,
        )
        calendar = IcsCalendarStream.calendar_from_ics(self.feed().decode())
        self.assertEqual(len(calendar.events), 2)
        first = calendar.events[0]
        self.assertEqual(first.uid, self.booking.calendar_uid)
        self.assertEqual(first.dtstart, tokyo(2026, 12, 3, 10))
        self.assertEqual(first.sequence, 0)

    def test_a_long_japanese_line_is_folded_without_splitting_a_character(self) -> None:
        self.w.aoto.address = (
            "葛飾区青戸四丁目十五番十四号 健康プラザかつしか二階 保健センター受付横の面接室"
        )
        self.w.aoto.save()
        body = self.feed()
        self.assertTrue(all(len(line) <= 75 for line in body.split(b"\r\n")))
        body.decode("utf-8")  # every folded line is still valid UTF-8 on its own
        for line in body.split(b"\r\n"):
            line.decode("utf-8")
        event = next(iter(self.events(body).values()))
        self.assertIn("面接室", str(event["LOCATION"]))
        IcsCalendarStream.calendar_from_ics(body.decode())

    def test_the_uid_stays_and_the_sequence_rises_when_the_booking_is_moved(self) -> None:
        before = self.events(self.feed())[self.booking.calendar_uid]
        booking_reschedule(booking=self.booking, start=tokyo(2026, 12, 4, 14), staff=True, now=NOW)
        after = self.events(self.feed())[self.booking.calendar_uid]
        self.assertEqual(after["DTSTART"].dt, tokyo(2026, 12, 4, 14))
        self.assertGreater(after["SEQUENCE"], before["SEQUENCE"])
        self.assertGreaterEqual(after["LAST-MODIFIED"].dt, before["LAST-MODIFIED"].dt)

    def test_a_cancelled_booking_stays_as_cancelled_with_a_higher_sequence(self) -> None:
        before = self.events(self.feed())[self.booking.calendar_uid]
        booking_cancel(booking=self.booking, staff=True, now=NOW)
        body = self.feed()
        after = self.events(body)[self.booking.calendar_uid]
        self.assertEqual(str(after["STATUS"]), "CANCELLED")
        self.assertGreater(after["SEQUENCE"], before["SEQUENCE"])
        strict = IcsCalendarStream.calendar_from_ics(body.decode())
        self.assertEqual(strict.events[0].status.value, "CANCELLED")

    @override_settings(CALENDAR_FEED_KEEP_CANCELLED_DAYS=30)
    def test_a_cancelled_booking_leaves_the_feed_after_the_retention_period(self) -> None:
        booking_cancel(booking=self.booking, staff=True, now=NOW)
        with time_machine.travel(NOW + dt.timedelta(days=31), tick=False):
            body = self.client.get(f"/calendar/nurse/{self.token}.ics").content
        self.assertNotIn(self.booking.calendar_uid.encode(), body)

    def test_holds_never_reach_a_feed(self) -> None:
        Booking.objects.filter(pk=self.booking.pk).update(
            status=Booking.Status.HELD, expires_at=NOW + dt.timedelta(minutes=5)
        )
        self.assertEqual(self.events(self.feed()), {})

    def test_the_site_feed_lists_every_nurse_at_the_site(self) -> None:
        other = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.mei_pregnancy,
            now=NOW,
        )
        token = site_feed_rotate(site=self.w.aoto)
        body = self.client.get(f"/calendar/site/{token}.ics").content
        self.assertEqual(set(self.events(body)), {self.booking.calendar_uid, other.calendar_uid})
        self.assertNotEqual(self.booking.nurse_id, other.nurse_id)
        IcsCalendarStream.calendar_from_ics(body.decode())

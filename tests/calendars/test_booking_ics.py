"""The .ics a resident gets (email attachment, download) shares the feeds' UID scheme, so an
update or a cancellation replaces the event she already has."""

from __future__ import annotations

import icalendar
from ical.calendar_stream import IcsCalendarStream

from scheduling.calendars.ics import booking_ics
from scheduling.services import booking_cancel, booking_create, booking_reschedule
from tests.base import NOW, BaseTestCase, tokyo


class BookingIcsTest(BaseTestCase):
    def event(self, body: bytes) -> icalendar.Event:
        (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
        IcsCalendarStream.calendar_from_ics(body.decode())  # the strict parser accepts it too
        return event

    def test_a_reschedule_and_a_cancellation_keep_the_uid_and_raise_the_sequence(self) -> None:
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        first = icalendar.Calendar.from_ical(booking_ics(booking))
        self.assertEqual(str(first["METHOD"]), "PUBLISH")
        created = self.event(booking_ics(booking))
        moved = booking_reschedule(
            booking=booking, start=tokyo(2026, 12, 4, 14), staff=True, now=NOW
        )
        updated = self.event(booking_ics(moved))
        cancelled_booking = booking_cancel(booking=moved, staff=True, now=NOW)
        cancel_body = booking_ics(cancelled_booking)
        cancelled = self.event(cancel_body)
        self.assertEqual(str(icalendar.Calendar.from_ical(cancel_body)["METHOD"]), "CANCEL")
        uids = {str(e["UID"]) for e in (created, updated, cancelled)}
        self.assertEqual(uids, {booking.calendar_uid})
        self.assertLess(created["SEQUENCE"], updated["SEQUENCE"])
        self.assertLess(updated["SEQUENCE"], cancelled["SEQUENCE"])
        self.assertEqual(str(cancelled["STATUS"]), "CANCELLED")
        self.assertEqual(updated["DTSTART"].dt, tokyo(2026, 12, 4, 14))

    def test_it_says_nothing_about_her_or_her_pregnancy(self) -> None:
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        text = booking_ics(booking).decode().replace("\r\n ", "")
        for secret in ["山田", "花子", "+8190", "hanako@", "妊", "pregnan"]:
            self.assertNotIn(secret, text)

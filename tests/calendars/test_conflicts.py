"""A busy time that lands on a confirmed interview flags it; nothing is cancelled."""

from __future__ import annotations

from scheduling.calendars.selectors import bookings_with_calendar_conflicts
from scheduling.calendars.services import calendar_remove, calendar_sync
from scheduling.models import Booking, ExternalCalendar
from scheduling.services import booking_create
from tests.base import NOW, BaseTestCase, tokyo

from .helpers import import_upload


def ics(*events: tuple[str, str]) -> bytes:
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:{i}\r\nDTSTAMP:20261130T000000Z\r\n"
        f"DTSTART;TZID=Asia/Tokyo:{s}\r\nDTEND;TZID=Asia/Tokyo:{e}\r\nEND:VEVENT\r\n"
        for i, (s, e) in enumerate(events)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{body}END:VCALENDAR\r\n".encode()


class CalendarConflictTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        self.nurse = self.booking.nurse

    def flagged(self) -> bool:
        return Booking.objects.get(pk=self.booking.pk).calendar_conflict

    def test_an_overlapping_busy_time_flags_the_booking_and_cancels_nothing(self) -> None:
        before = Booking.objects.get(pk=self.booking.pk)
        import_upload(self, nurse=self.nurse, content=ics(("20261203T101500", "20261203T120000")))
        after = Booking.objects.get(pk=self.booking.pk)
        self.assertTrue(after.calendar_conflict)
        self.assertEqual(after.status, Booking.Status.CONFIRMED)
        self.assertEqual((after.sequence, after.updated_at), (before.sequence, before.updated_at))

    def test_a_busy_time_that_only_touches_the_interview_is_no_conflict(self) -> None:
        import_upload(
            self,
            nurse=self.nurse,
            content=ics(
                ("20261203T093000", "20261203T100000"), ("20261203T103000", "20261203T110000")
            ),
        )
        self.assertFalse(self.flagged())

    def test_another_nurses_calendar_does_not_flag_her_booking(self) -> None:
        other = self.w.nurse_kato if self.nurse == self.w.nurse_sato else self.w.nurse_sato
        import_upload(self, nurse=other, content=ics(("20261203T100000", "20261203T103000")))
        self.assertFalse(self.flagged())

    def test_the_flag_clears_when_the_event_goes_away_or_the_calendar_is_removed(self) -> None:
        calendar = import_upload(
            self, nurse=self.nurse, content=ics(("20261203T100000", "20261203T103000"))
        )
        self.assertTrue(self.flagged())
        ExternalCalendar.objects.filter(pk=calendar.pk).update(
            uploaded_ics=ics(("20261203T140000", "20261203T150000")).decode()
        )
        calendar_sync(calendar=ExternalCalendar.objects.get(pk=calendar.pk), now=NOW, force=True)
        self.assertFalse(self.flagged())

        calendar.refresh_from_db()
        ExternalCalendar.objects.filter(pk=calendar.pk).update(
            uploaded_ics=ics(("20261203T100000", "20261203T103000")).decode()
        )
        calendar_sync(calendar=ExternalCalendar.objects.get(pk=calendar.pk), now=NOW, force=True)
        self.assertTrue(self.flagged())
        calendar_remove(calendar=ExternalCalendar.objects.get(pk=calendar.pk), now=NOW)
        self.assertFalse(self.flagged())

    def test_flagged_bookings_are_listed_for_the_nurse_and_for_the_site(self) -> None:
        import_upload(self, nurse=self.nurse, content=ics(("20261203T100000", "20261203T103000")))
        with self.assertNumQueries(1):
            mine = list(bookings_with_calendar_conflicts(now=NOW, nurse_id=self.nurse.pk))
        self.assertEqual(mine, [self.booking])
        self.assertEqual(mine[0].site.name, self.w.aoto.name)
        at_site = bookings_with_calendar_conflicts(now=NOW, site_ids=[self.w.aoto.pk])
        self.assertEqual(list(at_site), [self.booking])
        elsewhere = bookings_with_calendar_conflicts(now=NOW, site_ids=[self.w.niccowa.pk])
        self.assertEqual(list(elsewhere), [])
        self.assertEqual(list(bookings_with_calendar_conflicts(now=NOW)), [])

    def test_the_engine_offers_no_slot_over_the_new_busy_time(self) -> None:
        from scheduling.availability import open_slots

        import_upload(self, nurse=self.nurse, content=ics(("20261204T090000", "20261204T120000")))
        slots = open_slots(
            municipality=self.w.katsushika,
            interview_type=self.w.itype,
            date_from=tokyo(2026, 12, 4).date(),
            date_to=tokyo(2026, 12, 4).date(),
            site_ids=[self.w.aoto.pk],
            now=NOW,
        )
        morning = [s for s in slots if s.start < tokyo(2026, 12, 4, 12)]
        self.assertTrue(morning)
        self.assertTrue(all(self.nurse.pk not in s.nurse_ids for s in morning))

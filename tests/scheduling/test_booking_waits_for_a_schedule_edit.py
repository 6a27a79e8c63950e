"""A booking that waits for a schedule edit reads the hours that edit left (PostgreSQL, issue 19).

A schedule edit locks the nurse's sites (FOR UPDATE) while it changes her hours and looks for the
bookings the change strands; a booking reads the site under its share lock, which that excludes,
so that no booking is placed from hours being removed at that moment. Since the third round the
share lock and the day's rows come in ONE statement, and under READ COMMITTED a statement that
waits for a row lock still reads every other row as of its start: a booking that waited for the
edit read the hours from before it, and was placed on hours just removed, unseen by the edit's
check for stranded bookings. Now the lock is asked without waiting (NOWAIT) in that statement;
when an edit holds it, the booking takes the lock first, waiting, and then reads the day."""

from __future__ import annotations

import threading
import time

from django.db import connections, transaction

from scheduling.models import AvailabilityRule, Booking, Site
from scheduling.services import booking_hold
from tests.base import NOW, PostgresRaceTestCase, tokyo
from yurikago.errors import DomainError

THURSDAY_TEN = tokyo(2026, 12, 3, 10)  # 青戸: 佐藤 and 加藤, 09:00-12:00


class BookingWaitsForAScheduleEditTest(PostgresRaceTestCase):
    def test_a_booking_waiting_for_an_edit_that_removes_the_hours_is_refused(self) -> None:
        locked, done = threading.Event(), threading.Event()
        outcome: list[str] = []

        def edit() -> None:
            try:
                with transaction.atomic():
                    list(Site.objects.select_for_update().filter(pk=self.w.aoto.pk))
                    locked.set()
                    AvailabilityRule.objects.filter(site=self.w.aoto, weekday=3).delete()
                    time.sleep(0.5)  # the booking is waiting for the site by now
            finally:
                done.set()
                connections.close_all()

        def book() -> None:
            try:
                locked.wait(5)
                booking_hold(
                    site=Site.objects.select_related("municipality").get(pk=self.w.aoto.pk),
                    interview_type=type(self.w.itype).objects.get(pk=self.w.itype.pk),
                    start=THURSDAY_TEN,
                    now=NOW,
                )
                outcome.append("ok")
            except DomainError as exc:
                outcome.append(exc.code)
            except Exception as exc:
                outcome.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=edit), threading.Thread(target=book)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        self.assertTrue(done.is_set())
        self.assertEqual(outcome, ["slot_unavailable"])
        self.assertFalse(Booking.objects.exists())

    def test_without_an_edit_the_booking_is_placed_as_before(self) -> None:
        booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=THURSDAY_TEN, now=NOW)
        self.assertEqual(Booking.objects.count(), 1)

"""The one-active-booking-per-contact rule under a race on PostgreSQL: twenty threads book one
pregnancy's first interview and her 8th-month remote interview at twenty different times; she
ends with exactly one active booking for each contact, and every loser gets a clean refusal."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from django.db import connection

from scheduling.models import Booking, Contact, InterviewType, Pregnancy, Site
from scheduling.services import booking_create
from tests.base import NOW, PostgresRaceTestCase, tokyo
from tests.contacts.helpers import katsushika_contacts, remote_hours, remote_interview_contact
from tests.scheduling.test_concurrency_postgres import THREADS, race

TWICE_SQL = """
    SELECT count(*) FROM (SELECT pregnancy_id, contact_id FROM scheduling_booking
     WHERE status IN ('held', 'confirmed') AND pregnancy_id IS NOT NULL
     GROUP BY pregnancy_id, contact_id HAVING count(*) > 1) AS twice
"""


class OneBookingPerContactRaceTest(PostgresRaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.contacts = katsushika_contacts(self.w)
        self.remote = remote_interview_contact(self.w)
        remote_hours(self.w)

    def attempt(
        self, start: dt.datetime, itype: InterviewType, mode: str, contact: Contact | None
    ) -> Callable[[], object]:
        ids = (self.w.aoto.pk, itype.pk, self.w.hanako_pregnancy.pk, contact.pk if contact else 0)

        def book() -> Booking:
            return booking_create(
                site=Site.objects.select_related("municipality").get(pk=ids[0]),
                interview_type=InterviewType.objects.get(pk=ids[1]),
                start=start,
                pregnancy=Pregnancy.objects.get(pk=ids[2]),
                mode=mode,
                contact=Contact.objects.get(pk=ids[3]) if ids[3] else None,
                now=NOW,
            )

        return book

    def test_twenty_threads_leave_her_one_booking_per_contact(self) -> None:
        in_person = [tokyo(2026, 12, day, hour) for day in (3, 4) for hour in (9, 10, 11, 13, 14)]
        remote = [tokyo(2026, 12, 5, 9) + dt.timedelta(minutes=30 * i) for i in range(6)] + [
            tokyo(2026, 12, 7, 17, 0),
            tokyo(2026, 12, 7, 17, 30),
            tokyo(2026, 12, 7, 18, 0),
            tokyo(2026, 12, 7, 18, 30),
        ]
        assert self.remote.interview_type is not None
        results = race(
            [self.attempt(s, self.w.itype, "in_person", None) for s in in_person]
            + [self.attempt(s, self.remote.interview_type, "video", self.remote) for s in remote]
        )
        self.assertEqual(Counter(results), Counter({"ok": 2, "already_booked": THREADS - 2}))
        active = Booking.objects.active(NOW).filter(pregnancy=self.w.hanako_pregnancy)
        self.assertEqual(
            sorted(active.values_list("contact__code", flat=True)), ["interview-8m", "yurikago"]
        )
        with connection.cursor() as cursor:
            cursor.execute(TWICE_SQL)
            self.assertEqual(cursor.fetchone()[0], 0, "a contact with two active bookings")

"""Races on PostgreSQL: many threads, each with its own connection, released together.

Whatever the interleaving, the database ends with no nurse or room double-booked and at most one
active interview per pregnancy, and every loser gets a clean DomainError: never an
IntegrityError, a deadlock or a 500. PostgreSQL only: SQLite serialises every write transaction,
so there is no race to lose there.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, connections

from scheduling.models import (
    AvailabilityRule,
    Booking,
    InterviewType,
    Pregnancy,
    Resident,
    Site,
    TimeOff,
    User,
)
from scheduling.services import (
    booking_cancel,
    booking_confirm,
    booking_create,
    booking_hold,
    booking_reschedule,
)
from tests.base import NOW, PostgresRaceTestCase, tokyo
from yurikago.errors import DomainError

THREADS = 20
# Thursday 2026-12-03, when 青戸 has two nurses and two rooms from 09:00.
SLOT = tokyo(2026, 12, 3, 10, 0)

OVERLAPS_SQL = """
    SELECT count(*) FROM scheduling_booking a JOIN scheduling_booking b
      ON a.id < b.id AND {same}
     AND tstzrange(a.start, a.blocked_until) && tstzrange(b.start, b.blocked_until)
     WHERE a.status IN ('held', 'confirmed') AND b.status IN ('held', 'confirmed')
"""


def race(attempts: list[Callable[[], object]]) -> list[str]:
    """Run each attempt in its own thread and connection, all released at once.

    Returns "ok" for a success, the DomainError code for a refusal, or the repr of anything
    else (which the tests then reject).
    """
    barrier = threading.Barrier(len(attempts))

    def run(attempt: Callable[[], object]) -> str:
        try:
            # Open this thread's connection before the barrier, so the race is about booking.
            connection.ensure_connection()
            barrier.wait(timeout=30)
            attempt()
            return "ok"
        except DomainError as exc:
            return exc.code
        except Exception as exc:  # anything else is what the test looks for
            return repr(exc)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(run, attempts))


class ConcurrencyTest(PostgresRaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.pregnancies = [self.pregnancy(i) for i in range(THREADS)]

    def pregnancy(self, i: int) -> Pregnancy:
        user = User.objects.create_user(email=f"race{i}@example.jp", display_name=f"race {i}")
        resident = Resident.objects.create(
            user=user, municipality=self.w.katsushika, name=f"race {i}", email=f"race{i}@example.jp"
        )
        return Pregnancy.objects.create(resident=resident, due_date=dt.date(2027, 6, 1))

    def leave_one_place_at(self, start: dt.datetime) -> None:
        """One nurse and room 1 already taken at `start`: one nurse and one room stay free."""
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=start,
            pregnancy=self.w.mei_pregnancy,
            now=NOW,
        )
        self.assertEqual(Booking.objects.get(pregnancy=self.w.mei_pregnancy).room, 1)

    def create(
        self,
        pregnancy: Pregnancy,
        start: dt.datetime,
        site: Site | None = None,
        itype: InterviewType | None = None,
    ) -> Callable[[], object]:
        site_id, itype_id = (site or self.w.aoto).pk, (itype or self.w.itype).pk

        def attempt() -> Booking:
            # Each thread reads its own copies: model instances are not shared between threads.
            return booking_create(
                site=Site.objects.select_related("municipality").get(pk=site_id),
                interview_type=InterviewType.objects.get(pk=itype_id),
                start=start,
                pregnancy=Pregnancy.objects.get(pk=pregnancy.pk),
                now=NOW,
            )

        return attempt

    def assert_no_double_booking(self) -> None:
        with connection.cursor() as cursor:
            for same in ("a.nurse_id = b.nurse_id", "a.site_id = b.site_id AND a.room = b.room"):
                cursor.execute(OVERLAPS_SQL.format(same=same))
                self.assertEqual(cursor.fetchone()[0], 0, same)
            cursor.execute("""
                SELECT count(*) FROM (SELECT pregnancy_id FROM scheduling_booking
                 WHERE status IN ('held', 'confirmed') AND pregnancy_id IS NOT NULL
                 GROUP BY pregnancy_id HAVING count(*) > 1) AS twice
            """)
            self.assertEqual(cursor.fetchone()[0], 0, "a pregnancy with two active bookings")

    def test_twenty_residents_racing_for_the_last_place_leave_one_booking(self) -> None:
        self.leave_one_place_at(SLOT)
        results = race([self.create(p, SLOT) for p in self.pregnancies])
        self.assertEqual(Counter(results), {"ok": 1, "slot_unavailable": THREADS - 1}, results)
        self.assertEqual(Booking.objects.active(NOW).filter(start=SLOT).count(), 2)
        self.assert_no_double_booking()

    def test_overlapping_slots_of_different_lengths_at_two_sites_give_the_nurse_one(self) -> None:
        # Sato is the only nurse free at 青戸 (10:00, 60 min) and at にこわ (10:30, 30 min);
        # the two sites do not share a site lock, so only the exclusion constraint stands
        # between her and a double booking.
        long = InterviewType.objects.create(
            municipality=self.w.katsushika,
            code="long",
            name="long",
            duration_minutes=60,
            slot_step_minutes=30,
            modes=["in_person"],
            min_notice_hours=24,
            max_days_ahead=60,
        )
        AvailabilityRule.objects.create(
            nurse=self.w.nurse_sato,
            site=self.w.niccowa,
            weekday=SLOT.weekday(),
            start_time=dt.time(10),
            end_time=dt.time(12),
            valid_from=dt.date(2026, 1, 1),
        )
        for nurse in (self.w.nurse_kato, self.w.nurse_ito):
            TimeOff.objects.create(
                nurse=nurse, start=tokyo(2026, 12, 3, 9), end=tokyo(2026, 12, 3, 12)
            )
        half = THREADS // 2
        results = race(
            [self.create(p, SLOT, itype=long) for p in self.pregnancies[:half]]
            + [
                self.create(p, SLOT + dt.timedelta(minutes=30), site=self.w.niccowa)
                for p in self.pregnancies[half:]
            ]
        )
        self.assertEqual(Counter(results), {"ok": 1, "slot_unavailable": THREADS - 1}, results)
        self.assertEqual(Booking.objects.active(NOW).filter(nurse=self.w.nurse_sato).count(), 1)
        self.assert_no_double_booking()

    def test_one_pregnancy_racing_for_twenty_different_slots_gets_one_booking(self) -> None:
        # Half at 青戸, half at にこわ: different site locks, so the partial unique constraint
        # decides between threads that both passed the "already booked?" check.
        aoto = [tokyo(2026, 12, d, h, m) for d in (3, 4) for h in (9, 10, 11) for m in (0, 30)]
        niccowa = [tokyo(2026, 12, d, h, m) for d in (3, 4, 5) for h in (10, 11) for m in (0, 30)]
        pregnancy = self.w.hanako_pregnancy
        results = race(
            [self.create(pregnancy, start) for start in aoto[:10]]
            + [self.create(pregnancy, start, site=self.w.niccowa) for start in niccowa[:10]]
        )
        self.assertEqual(Counter(results), {"ok": 1, "already_booked": THREADS - 1}, results)
        self.assertEqual(Booking.objects.active(NOW).filter(pregnancy=pregnancy).count(), 1)
        self.assert_no_double_booking()

    def test_reschedules_and_new_bookings_racing_for_one_place_leave_one_winner(self) -> None:
        target = SLOT + dt.timedelta(days=1)  # Friday 10:00
        self.leave_one_place_at(target)
        movers = [
            booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=tokyo(2026, 12, 3, 9 + i // 4, 30 * (i // 2 % 2)),
                pregnancy=p,
                now=NOW,
            )
            for i, p in enumerate(self.pregnancies[: THREADS // 2])
        ]
        before = {b.pk: (b.start, b.sequence) for b in movers}

        def reschedule(booking: Booking) -> Callable[[], object]:
            return lambda: booking_reschedule(
                booking=Booking.objects.get(pk=booking.pk), start=target, now=NOW
            )

        results = race(
            [reschedule(b) for b in movers]
            + [self.create(p, target) for p in self.pregnancies[THREADS // 2 :]]
        )
        self.assertEqual(Counter(results), {"ok": 1, "slot_unavailable": THREADS - 1}, results)
        self.assertEqual(Booking.objects.active(NOW).filter(start=target).count(), 2)
        for booking in Booking.objects.filter(pk__in=before):
            moved = booking.start == target
            self.assertEqual(booking.status, Booking.Status.CONFIRMED)
            # A loser keeps her interview exactly as it was; the winner's SEQUENCE rises.
            self.assertEqual(
                (booking.start, booking.sequence),
                (target, before[booking.pk][1] + 1) if moved else before[booking.pk],
            )
        self.assert_no_double_booking()

    def test_confirming_and_cancelling_while_others_book_the_same_site_never_deadlocks(
        self,
    ) -> None:
        # Confirm and cancel lock a booking row while a new booking holds the site lock and
        # inserts (which takes key-share locks on the municipality, type and nurse): they must
        # not lock each other's rows in the opposite order.
        p = self.pregnancies
        morning = [tokyo(2026, 12, 3, 9 + i // 4, 30 * (i // 2 % 2)) for i in range(7)]
        holds = [
            booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=start, now=NOW)
            for start in morning
        ]
        friday = [tokyo(2026, 12, 4, 9 + i // 4, 30 * (i // 2 % 2)) for i in range(6)]
        to_cancel = [
            booking_create(
                site=self.w.aoto, interview_type=self.w.itype, start=start, pregnancy=preg, now=NOW
            )
            for start, preg in zip(friday, p[7:13], strict=True)
        ]
        afternoon = [tokyo(2026, 12, 3, 13 + i // 4, 30 * (i // 2 % 2)) for i in range(7)]

        def confirm(hold: Booking, pregnancy: Pregnancy) -> Callable[[], object]:
            return lambda: booking_confirm(
                booking=Booking.objects.get(pk=hold.pk),
                pregnancy=Pregnancy.objects.get(pk=pregnancy.pk),
                now=NOW,
            )

        def cancel(booking: Booking) -> Callable[[], object]:
            return lambda: booking_cancel(booking=Booking.objects.get(pk=booking.pk), now=NOW)

        results = race(
            [confirm(h, preg) for h, preg in zip(holds, p[:7], strict=True)]
            + [cancel(b) for b in to_cancel]
            + [self.create(preg, start) for start, preg in zip(afternoon, p[13:], strict=True)]
        )
        self.assertEqual(Counter(results), {"ok": THREADS}, results)
        self.assertEqual(Booking.objects.filter(status=Booking.Status.CONFIRMED).count(), 14)
        self.assertEqual(Booking.objects.filter(status=Booking.Status.CANCELLED).count(), 6)
        self.assert_no_double_booking()

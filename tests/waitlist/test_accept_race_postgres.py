"""PostgreSQL: twenty acceptances of one offer at once (a double tap, two devices) leave one
move of her booking, and nineteen clean `offer_gone` refusals: never an IntegrityError, a
deadlock or a second booking."""

from __future__ import annotations

from collections import Counter

from scheduling.models import Booking, Pregnancy
from scheduling.services import booking_cancel
from scheduling.waitlist_models import WaitlistOffer
from scheduling.waitlist_services import waitlist_offer_accept, waitlist_offers_round
from tests.base import NOW, PostgresRaceTestCase, tokyo
from tests.scheduling.test_concurrency_postgres import THREADS, race
from tests.waitlist.helpers import PLACES, book_later_and_wait, fill_day


class AcceptRaceTest(PostgresRaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        fillers = fill_day(self.w)
        book_later_and_wait(self.w, self.w.hanako_pregnancy, tokyo(2026, 12, 10, 10))
        booking_cancel(booking=fillers[1], now=NOW)
        waitlist_offers_round(now=NOW)
        self.offer = WaitlistOffer.objects.get()

    def accept(self) -> object:
        return waitlist_offer_accept(
            offer=WaitlistOffer.objects.get(pk=self.offer.pk),
            pregnancy=Pregnancy.objects.select_related("resident").get(
                pk=self.w.hanako_pregnancy.pk
            ),
            now=NOW,
        )

    def test_twenty_acceptances_of_one_offer_move_her_booking_once(self) -> None:
        outcomes = Counter(race([self.accept] * THREADS))
        self.assertEqual(outcomes, Counter({"ok": 1, "offer_gone": THREADS - 1}))
        active = Booking.objects.active(NOW).filter(site=self.w.niccowa, start=PLACES[1])
        self.assertEqual(
            list(active.values_list("pregnancy", flat=True)), [self.w.hanako_pregnancy.pk]
        )
        self.assertEqual(
            Booking.objects.filter(
                pregnancy=self.w.hanako_pregnancy, status=Booking.Status.CONFIRMED
            ).count(),
            1,
        )
        self.offer.refresh_from_db()
        self.assertEqual(self.offer.status, WaitlistOffer.Status.ACCEPTED)

"""A freed place is offered to the first person waiting, held for her; not taken in time, it
passes to the next person, never back to her."""

from __future__ import annotations

import datetime as dt

from notifications.models import Message
from notifications.texts import HEALTH_WORDS, render_message
from scheduling.models import Booking
from scheduling.services import booking_cancel
from scheduling.waitlist_models import WaitlistOffer
from scheduling.waitlist_services import (
    OFFER_MINUTES,
    waitlist_offer_accept,
    waitlist_offer_decline,
    waitlist_offers_round,
)
from tests.base import NOW, BaseTestCase, tokyo
from tests.waitlist.helpers import PLACES, book_later_and_wait, fill_day
from yurikago.errors import DomainError


class OfferPassesOnTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.fillers = fill_day(self.w)
        self.hanako = book_later_and_wait(self.w, self.w.hanako_pregnancy, tokyo(2026, 12, 10, 10))
        self.mei = book_later_and_wait(self.w, self.w.mei_pregnancy, tokyo(2026, 12, 11, 10))

    def test_nothing_is_offered_while_the_day_is_full(self) -> None:
        self.assertEqual(waitlist_offers_round(now=NOW), (0, 0))

    def test_a_cancelled_place_is_offered_to_the_first_waiting_and_held_for_her(self) -> None:
        booking_cancel(booking=self.fillers[1], now=NOW)
        self.assertEqual(waitlist_offers_round(now=NOW), (0, 1))
        offer = WaitlistOffer.objects.get()
        self.assertEqual((offer.entry, offer.start), (self.hanako, PLACES[1]))
        self.assertEqual(offer.hold.status, Booking.Status.HELD)
        self.assertEqual(offer.expires_at, NOW + dt.timedelta(minutes=OFFER_MINUTES))
        self.assertEqual(offer.hold.expires_at, offer.expires_at)
        # A second round offers nothing more: the place is held, she has her offer.
        self.assertEqual(waitlist_offers_round(now=NOW + dt.timedelta(minutes=1)), (0, 0))

    def test_her_message_says_when_where_and_until_when_without_a_health_word(self) -> None:
        booking_cancel(booking=self.fillers[1], now=NOW)
        waitlist_offers_round(now=NOW)
        message = Message.objects.get(purpose="waitlist_offer")
        self.assertEqual(message.recipient, self.w.hanako.phone)
        text = render_message(message).text
        self.assertIn("12/4(金)10:30", text)
        self.assertIn("にこわ新小岩", text)
        self.assertIn("09:30まで", text)
        self.assertIn(WaitlistOffer.objects.get().token, text)
        for word in HEALTH_WORDS:
            self.assertNotIn(word, text)

    def test_an_offer_not_taken_in_time_passes_to_the_next_person(self) -> None:
        booking_cancel(booking=self.fillers[1], now=NOW)
        waitlist_offers_round(now=NOW)
        later = NOW + dt.timedelta(minutes=OFFER_MINUTES)
        self.assertEqual(waitlist_offers_round(now=later), (1, 1))
        first, second = WaitlistOffer.objects.order_by("pk")
        self.assertEqual(first.status, WaitlistOffer.Status.EXPIRED)
        self.assertEqual(first.hold.status, Booking.Status.EXPIRED)
        self.assertEqual((second.entry, second.start), (self.mei, PLACES[1]))
        # Her unsent message is taken back with the hold.
        self.assertFalse(
            Message.objects.filter(booking=first.hold, status=Message.Status.PENDING).exists()
        )

    def test_a_declined_offer_passes_on_and_never_returns_to_her(self) -> None:
        booking_cancel(booking=self.fillers[1], now=NOW)
        waitlist_offers_round(now=NOW)
        waitlist_offer_decline(offer=WaitlistOffer.objects.get(), now=NOW)
        waitlist_offers_round(now=NOW)
        waitlist_offer_decline(
            offer=WaitlistOffer.objects.get(status=WaitlistOffer.Status.PENDING), now=NOW
        )
        self.assertEqual(waitlist_offers_round(now=NOW), (0, 0))
        self.assertEqual(WaitlistOffer.objects.filter(entry=self.hanako).count(), 1)

    def test_accepting_moves_her_booking_there_in_one_step(self) -> None:
        booking_cancel(booking=self.fillers[1], now=NOW)
        waitlist_offers_round(now=NOW)
        offer = WaitlistOffer.objects.get()
        accepted = waitlist_offer_accept(offer=offer, pregnancy=self.w.hanako_pregnancy, now=NOW)
        self.assertTrue(accepted.moved)
        booking = Booking.objects.get(pregnancy=self.w.hanako_pregnancy)
        self.assertEqual((booking.start, booking.status), (PLACES[1], Booking.Status.CONFIRMED))
        self.assertEqual(Booking.objects.get(pk=offer.hold_id).status, Booking.Status.EXPIRED)
        offer.refresh_from_db()
        self.assertEqual((offer.status, offer.booking), (WaitlistOffer.Status.ACCEPTED, booking))
        self.hanako.refresh_from_db()
        self.assertEqual(self.hanako.status, "fulfilled")

    def test_an_expired_offer_cannot_be_accepted(self) -> None:
        booking_cancel(booking=self.fillers[1], now=NOW)
        waitlist_offers_round(now=NOW)
        later = NOW + dt.timedelta(minutes=OFFER_MINUTES)
        with self.assertRaises(DomainError) as refused:
            waitlist_offer_accept(
                offer=WaitlistOffer.objects.get(), pregnancy=self.w.hanako_pregnancy, now=later
            )
        self.assertEqual(refused.exception.code, "offer_gone")
        self.assertEqual(
            Booking.objects.get(pregnancy=self.w.hanako_pregnancy).start, tokyo(2026, 12, 10, 10)
        )

    def test_nothing_is_offered_at_night(self) -> None:
        booking_cancel(booking=self.fillers[1], now=NOW)
        self.assertEqual(waitlist_offers_round(now=tokyo(2026, 12, 1, 22, 0)), (0, 0))

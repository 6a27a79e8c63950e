"""An offer's message that the dispatcher has already claimed when the offer ends (expired,
declined or taken) is not sent: the dispatcher's last check before the provider finds its hold
no longer held."""

from __future__ import annotations

from notifications.dispatch import not_worth_sending
from notifications.models import Message
from scheduling.models import Booking
from scheduling.services import booking_cancel
from scheduling.waitlist_models import WaitlistOffer
from scheduling.waitlist_services import waitlist_offers_round
from tests.base import NOW, BaseTestCase, tokyo
from tests.waitlist.helpers import book_later_and_wait, fill_day


class EndedOfferMessageTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        fillers = fill_day(self.w)
        book_later_and_wait(self.w, self.w.hanako_pregnancy, tokyo(2026, 12, 10, 10))
        booking_cancel(booking=fillers[1], now=NOW)
        waitlist_offers_round(now=NOW)
        self.offer = WaitlistOffer.objects.get()
        self.message = Message.objects.get(purpose=Message.Purpose.WAITLIST_OFFER)

    def test_a_live_offer_is_sent(self) -> None:
        self.assertIsNone(not_worth_sending(self.message, NOW))

    def test_an_offer_whose_hold_is_gone_is_not_sent(self) -> None:
        Booking.objects.filter(pk=self.offer.hold_id).update(status=Booking.Status.EXPIRED)
        self.message.refresh_from_db()
        stop = not_worth_sending(self.message, NOW)
        self.assertIsNotNone(stop)
        assert stop is not None
        self.assertEqual(stop[0], Message.Status.CANCELLED)

    def test_an_offer_past_its_expiry_is_not_sent_even_before_the_round_ends_it(self) -> None:
        stop = not_worth_sending(self.message, self.offer.expires_at)
        self.assertIsNotNone(stop)

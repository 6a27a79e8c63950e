"""Her side, without JavaScript: from a full day she asks to be told of an earlier time, and from
the offer's link she takes the time (her booking moves, or she is booked if she had none) or
lets it go."""

from __future__ import annotations

from django.urls import reverse

from scheduling.models import Booking
from scheduling.services import booking_cancel
from scheduling.waitlist_models import WaitlistEntry, WaitlistOffer
from scheduling.waitlist_services import waitlist_offers_round
from tests.base import NOW, BaseTestCase, tokyo
from tests.waitlist.helpers import FULL_DAY, PLACES, book_later_and_wait, fill_day


class HerWaitlistPagesTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.fillers = fill_day(self.w)

    def test_the_full_day_offers_to_tell_her_of_an_earlier_time(self) -> None:
        url = reverse("frontend:day", args=[FULL_DAY.isoformat()]) + f"?site={self.w.niccowa.code}"
        response = self.client.get(url)
        self.assertContains(response, reverse("waitlist:waitlist") + f"?date={FULL_DAY}")

    def test_she_asks_for_an_earlier_time_from_a_full_day_and_is_booked_by_the_offer(self) -> None:
        self.client.force_login(self.w.hanako.user)
        response = self.client.post(
            reverse("waitlist:waitlist"),
            {"sites": [self.w.niccowa.pk], "date_from": FULL_DAY, "date_to": FULL_DAY},
        )
        self.assertEqual(response.status_code, 302)
        entry = WaitlistEntry.objects.get(pregnancy=self.w.hanako_pregnancy)
        self.assertEqual(list(entry.sites.all()), [self.w.niccowa])
        # A second request while she waits is refused by the page, not duplicated.
        self.client.post(
            reverse("waitlist:waitlist"),
            {"sites": [self.w.niccowa.pk], "date_from": FULL_DAY, "date_to": FULL_DAY},
        )
        self.assertEqual(WaitlistEntry.objects.filter(status="active").count(), 1)
        booking_cancel(booking=self.fillers[2], now=NOW)
        waitlist_offers_round(now=NOW)
        offer = WaitlistOffer.objects.get()
        page = reverse("waitlist:offer", args=[offer.token])
        self.assertContains(self.client.get(page), "この日時にする")
        response = self.client.post(page, {"action": "accept"})
        booking = Booking.objects.get(pregnancy=self.w.hanako_pregnancy)
        self.assertRedirects(
            response,
            reverse("frontend:booking", args=[booking.reference]),
            fetch_redirect_response=False,
        )
        self.assertEqual((booking.start, booking.status), (PLACES[2], Booking.Status.CONFIRMED))

    def test_she_lets_an_offer_go_and_keeps_her_booking(self) -> None:
        book_later_and_wait(self.w, self.w.hanako_pregnancy, tokyo(2026, 12, 10, 10))
        booking_cancel(booking=self.fillers[0], now=NOW)
        waitlist_offers_round(now=NOW)
        offer = WaitlistOffer.objects.get()
        self.client.force_login(self.w.hanako.user)
        self.client.post(reverse("waitlist:offer", args=[offer.token]), {"action": "decline"})
        offer.refresh_from_db()
        self.assertEqual(offer.status, WaitlistOffer.Status.DECLINED)
        self.assertEqual(
            Booking.objects.get(pregnancy=self.w.hanako_pregnancy).start, tokyo(2026, 12, 10, 10)
        )
        # Taking it afterwards is refused plainly, not a 500.
        response = self.client.post(
            reverse("waitlist:offer", args=[offer.token]), {"action": "accept"}
        )
        self.assertEqual(response.status_code, 409)

    def test_she_leaves_the_list(self) -> None:
        entry = book_later_and_wait(self.w, self.w.hanako_pregnancy, tokyo(2026, 12, 10, 10))
        self.client.force_login(self.w.hanako.user)
        self.client.post(reverse("waitlist:leave"))
        entry.refresh_from_db()
        self.assertEqual(entry.status, WaitlistEntry.Status.CANCELLED)

    def test_the_short_link_in_her_sms_leads_to_the_offer_page(self) -> None:
        book_later_and_wait(self.w, self.w.hanako_pregnancy, tokyo(2026, 12, 10, 10))
        booking_cancel(booking=self.fillers[0], now=NOW)
        waitlist_offers_round(now=NOW)
        token = WaitlistOffer.objects.get().token
        self.assertRedirects(
            self.client.get(f"/w/{token}/"),
            reverse("waitlist:offer", args=[token]),
            fetch_redirect_response=False,
        )

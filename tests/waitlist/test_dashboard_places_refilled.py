"""The dashboard counts the places refilled from the waitlist: interviews in the period taken
through an accepted offer, at the sites shown."""

from __future__ import annotations

from django.urls import reverse

from scheduling.services import booking_cancel
from scheduling.waitlist_models import WaitlistOffer
from scheduling.waitlist_services import (
    places_refilled,
    waitlist_offer_accept,
    waitlist_offers_round,
)
from tests.base import NOW, tokyo
from tests.staff.helpers import StaffTestCase
from tests.waitlist.helpers import book_later_and_wait, fill_day


class PlacesRefilledTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        fillers = fill_day(self.w)
        book_later_and_wait(self.w, self.w.hanako_pregnancy, tokyo(2026, 12, 10, 10))
        book_later_and_wait(self.w, self.w.mei_pregnancy, tokyo(2026, 12, 11, 10))
        booking_cancel(booking=fillers[1], now=NOW)
        booking_cancel(booking=fillers[3], now=NOW)
        waitlist_offers_round(now=NOW)

    def test_only_accepted_offers_count(self) -> None:
        sites = [self.w.niccowa.pk]
        self.assertEqual(places_refilled(site_ids=sites), 0)
        offer = WaitlistOffer.objects.filter(entry__pregnancy=self.w.hanako_pregnancy).get()
        waitlist_offer_accept(offer=offer, pregnancy=self.w.hanako_pregnancy, now=NOW)
        self.assertEqual(places_refilled(site_ids=sites), 1)
        self.assertEqual(places_refilled(site_ids=[self.w.aoto.pk]), 0)
        self.assertEqual(places_refilled(site_ids=sites, start_from=tokyo(2026, 12, 5)), 0)

    def test_the_dashboard_shows_the_count(self) -> None:
        for offer in WaitlistOffer.objects.select_related("entry__pregnancy"):
            waitlist_offer_accept(offer=offer, pregnancy=offer.entry.pregnancy, now=NOW)
        self.sign_in(self.w.admin_abe)
        response = self.client.get(reverse("staff:dashboard"))
        self.assertContains(response, "待ちリストから埋まった枠: 2")

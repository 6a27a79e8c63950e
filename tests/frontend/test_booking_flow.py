"""The whole booking flow with the test client, as a phone without JavaScript would do it."""

from __future__ import annotations

from notifications.models import Message
from scheduling.models import Booking, Pregnancy, Resident, User
from tests.frontend.helpers import DAY, FlowTestCase, details_data


class BookingFlowTest(FlowTestCase):
    def test_the_landing_page_says_what_to_bring_and_how_long_it_takes(self) -> None:
        response = self.client.get("/", HTTP_ACCEPT_LANGUAGE="ja")
        self.assertContains(response, "30")
        self.assertContains(response, "母子健康手帳")
        self.assertNotContains(response, "円")

    def test_the_where_page_lists_every_site_with_address_and_a_map_link(self) -> None:
        response = self.client.get("/book/")
        for site in (self.w.aoto, self.w.niccowa, self.w.eki):
            self.assertContains(response, site.name)
            self.assertContains(response, site.address)
        self.assertContains(response, "https://www.google.com/maps/search/?api=1&amp;query=")
        self.assertNotContains(response, self.w.sakuragawa_site.name)

    def test_the_month_shows_days_with_free_times_as_links(self) -> None:
        response = self.client.get("/book/calendar/?site=aoto")
        self.assertContains(response, f'href="/book/day/{DAY.isoformat()}/?site=aoto"')
        # Saturday 12/5 is closed at 青戸: no link.
        self.assertNotContains(response, "/book/day/2026-12-05/")

    def test_the_day_lists_times_with_their_date_for_screen_readers(self) -> None:
        response = self.client.get(f"/book/day/{DAY.isoformat()}/?site=aoto")
        self.assertContains(response, "12月3日(木) 10:00")

    def test_a_resident_books_from_hold_to_confirmation(self) -> None:
        hold = self.hold()
        response = self.client.get(f"/book/details/{hold.reference}/")
        self.assertContains(response, "2026年12月3日(木)")
        self.assertContains(response, "9:10")  # kept for ten minutes from NOW (09:00)
        response = self.client.post(
            f"/book/details/{hold.reference}/", details_data(hold.display_reference)
        )
        # Not signed in: nothing is confirmed until she types the code sent to her number.
        self.assertRedirects(
            response, f"/book/verify/{hold.reference}/", fetch_redirect_response=False
        )
        self.assertEqual(Booking.objects.get(pk=hold.pk).status, Booking.Status.HELD)
        response = self.send_details(hold, details_data(hold.display_reference))
        self.assertRedirects(response, f"/bookings/{hold.reference}/?new=1")
        booking = Booking.objects.get(pk=hold.pk)
        self.assertEqual(booking.status, Booking.Status.CONFIRMED)
        resident = Resident.objects.get(phone="+819055556666")
        self.assertEqual(resident.name_kana, "ヤマダ ハナコ")
        self.assertEqual(booking.pregnancy.resident, resident)
        self.assertTrue(
            Message.objects.filter(booking=booking, purpose="confirmation", channel="sms").exists()
        )
        page = self.client.get(f"/bookings/{hold.reference}/?new=1")
        self.assertContains(page, booking.display_reference)
        self.assertContains(page, "calendar.ics")
        self.assertContains(page, "calendar.google.com")
        self.assertContains(page, self.w.aoto.address)

    def test_weeks_of_pregnancy_give_a_due_date(self) -> None:
        hold = self.hold()
        self.send_details(hold, details_data(hold.display_reference, due_date="", weeks="10"))
        pregnancy = Pregnancy.objects.get(resident__phone="+819055556666")
        self.assertEqual(pregnancy.gestational_week_on(pregnancy.created_at.date()), 10)

    def test_a_signed_in_resident_finds_her_details_filled_in(self) -> None:
        Booking.objects.filter(pregnancy=self.w.hanako_pregnancy).delete()
        self.client.force_login(self.w.hanako.user)
        hold = self.hold()
        response = self.client.get(f"/book/details/{hold.reference}/")
        self.assertContains(response, 'value="山田 花子"')
        self.assertContains(response, 'value="090-1111-2222"')
        response = self.client.post(
            f"/book/details/{hold.reference}/",
            details_data(hold.display_reference, phone="090-1111-2222"),
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Booking.objects.get(pk=hold.pk).pregnancy, self.w.hanako_pregnancy)
        self.assertEqual(User.objects.filter(phone="+819011112222").count(), 1)

    def test_another_municipality_is_served_under_its_code(self) -> None:
        response = self.client.get("/m/sakuragawa/book/")
        self.assertEqual(response.status_code, 404)  # it has no interview type yet
        response = self.client.get("/m/nowhere/")
        self.assertEqual(response.status_code, 404)

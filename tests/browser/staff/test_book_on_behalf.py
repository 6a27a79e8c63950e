"""In Chromium: a resident phones; the nurse finds a time today, enters her and books."""

from __future__ import annotations

from notifications.models import Message
from scheduling.models import Booking
from tests.browser.staff.helpers import StaffBrowserTestCase


class BookOnBehalfBrowserTest(StaffBrowserTestCase):
    def test_she_books_a_caller_inside_the_online_notice(self) -> None:
        self.sign_in(self.w.nurse_kato.user)
        self.open("/staff/book/")
        page = self.page
        page.get_by_label("Site").select_option(label="青戸保健センター")
        page.get_by_label("From").fill("2026-12-01")
        page.get_by_role("button", name="Find free times").click()
        page.get_by_role("link", name="15:00").first.click()
        page.get_by_label("Phone number").fill("080-7777-8888")
        page.get_by_label("Name", exact=True).fill("高橋 結衣")
        page.get_by_label("Due date").fill("2027-06-20")
        page.get_by_label("Needs an interpreter").check()
        page.get_by_role("button", name="Book", exact=True).click()
        page.get_by_text("Booked:").wait_for()
        booking = Booking.objects.get(pregnancy__resident__phone="+818077778888")
        self.assertEqual(booking.channel, Booking.Channel.STAFF)
        self.assertEqual(booking.created_by, self.w.nurse_kato.user)
        self.assertTrue(booking.pregnancy.interpreter_needed)
        self.assertTrue(Message.objects.filter(booking=booking, purpose="confirmation").exists())
        self.assertIn("高橋 結衣", page.content())

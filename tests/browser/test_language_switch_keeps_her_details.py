"""Switching language half-way through the details form keeps what she typed, with JavaScript
and without: on that page the switcher sends the form along, and it is kept in her session."""

from __future__ import annotations

from scheduling.models import Booking
from tests.browser.helpers import BrowserTestCase


class LanguageSwitchKeepsHerDetailsTest(BrowserTestCase):
    def test_what_she_typed_is_still_there_in_the_new_language(self) -> None:
        page = self.page
        page.goto("/book/day/2026-12-03/?site=aoto")
        page.locator("button.time-button").first.click()
        page.wait_for_url("**/book/details/**")
        details_url = page.url
        page.get_by_label("お名前", exact=False).first.fill("Nguyen Thi Lan")
        page.get_by_label("携帯電話番号").fill("090-5555-6666")
        page.get_by_label("妊娠週数").fill("14")
        page.get_by_label("メール", exact=False).first.fill("lan@example.jp")
        self.shot("typed-ja")
        page.get_by_label("言語 / Language").select_option("vi")
        page.get_by_role("button", name="言語を変える").click()
        page.get_by_role("heading", name="Thông tin của bạn", exact=True).wait_for()
        self.shot("kept-vi")
        self.assertEqual(page.url.split("?")[0], details_url.split("?")[0])
        self.assertEqual(page.locator("#id_name").input_value(), "Nguyen Thi Lan")
        self.assertEqual(page.locator("#id_phone").input_value(), "090-5555-6666")
        self.assertEqual(page.locator("#id_weeks").input_value(), "14")
        self.assertEqual(page.locator("#id_email").input_value(), "lan@example.jp")
        # Her time is still held, and nothing was booked or refused on the way.
        self.assertEqual(Booking.objects.filter(status=Booking.Status.HELD).count(), 1)
        self.assertEqual(page.locator(".error-summary").count(), 0)


class LanguageSwitchKeepsHerDetailsWithoutJavaScriptTest(LanguageSwitchKeepsHerDetailsTest):
    java_script = False

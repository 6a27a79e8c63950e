"""Due date or weeks of pregnancy: one required choice, labelled so in every language, on a
phone. Before, both fields said "optional" and the first submit always failed."""

from __future__ import annotations

from django.conf import settings

from scheduling.models import Booking
from tests.browser.helpers import BrowserTestCase

# The words the field tags show, per language (locale/*/LC_MESSAGES/django.po).
REQUIRED = {
    "ja": "必須",
    "en": "required",
    "zh-hans": "必填",
    "ko": "필수",
    "vi": "bắt buộc",
    "ne": "अनिवार्य",
    "tl": "kailangan",
    "ja-easy": "かならず かく",
}
OPTIONAL = {
    "ja": "任意",
    "en": "optional",
    "zh-hans": "选填",
    "ko": "선택",
    "vi": "không bắt buộc",
    "ne": "ऐच्छिक",
    "tl": "opsyonal",
    "ja-easy": "かかなくても いい",
}


class DueDateOrWeeksTest(BrowserTestCase):
    def open_details(self) -> str:
        page = self.page
        page.goto("/book/day/2026-12-03/?site=aoto")
        page.locator("button.time-button").first.click()
        page.wait_for_url("**/book/details/**")
        return page.url

    def test_the_two_fields_are_one_required_choice_in_every_language(self) -> None:
        url = self.open_details()
        for code in REQUIRED:
            self.context.add_cookies(
                [
                    {
                        "name": settings.LANGUAGE_COOKIE_NAME,
                        "value": code,
                        "url": self.live_server_url,
                    }
                ]
            )
            self.page.goto(url)
            group = self.page.locator("fieldset", has=self.page.locator("#id_due_date"))
            self.assertEqual(group.count(), 1, code)
            self.assertEqual(group.locator("#id_weeks").count(), 1, code)
            legend = group.locator("legend").inner_text()
            self.assertIn(REQUIRED[code], legend, code)
            for field in ("id_due_date", "id_weeks"):
                label = self.page.locator(f"label[for={field}]").inner_text()
                self.assertNotIn(OPTIONAL[code], label, (code, field))
                self.assertNotIn(REQUIRED[code], label, (code, field))
            self.shot(f"due-or-weeks-{code}")

    def test_weeks_alone_are_enough_on_the_first_submit(self) -> None:
        page = self.page
        self.open_details()
        page.get_by_label("お名前", exact=False).first.fill("山田 花子")
        page.get_by_label("携帯電話番号").fill("090-5555-6666")
        page.get_by_label("妊娠週数").fill("12")
        page.get_by_label("区市町村がこの情報を", exact=False).check()
        self.shot("weeks-only")
        page.get_by_role("button", name="この内容で予約する").click()
        self.enter_the_code()
        page.wait_for_url("**/bookings/**")
        self.assertEqual(Booking.objects.get().status, Booking.Status.CONFIRMED)

"""Sign in with a code, cancel, reschedule, and switch language half-way, on a phone."""

from __future__ import annotations

import re

from django.test import override_settings

from scheduling.models import Booking
from scheduling.services import booking_create
from tests.base import tokyo
from tests.browser.helpers import BrowserTestCase
from tests.fakes.twilio import FakeTwilio


class SignInWithCodeTest(BrowserTestCase):
    def test_she_signs_in_with_a_code_sent_to_her_phone(self) -> None:
        # The SMS really leaves through the twilio client, to a fake Twilio on loopback: the
        # code is read where her phone would read it, not from our own functions.
        with (
            FakeTwilio() as twilio,
            override_settings(**twilio.settings(), PROVIDER_TIMEOUT_SECONDS=2),
        ):
            page = self.page
            page.goto("/login/")
            self.shot("login")
            page.get_by_label("携帯電話番号またはメールアドレス").fill("090-1111-2222")
            page.get_by_role("button", name="コードを送る").click()
            page.wait_for_url("**/login/code/confirm/**")
            self.shot("code")
            self.assertTrue(twilio.wait_for_requests(1))
            code = re.search(r"\b(\d{6})\b", twilio.sent[0].body).group(1)  # type: ignore[union-attr]
            page.get_by_label("コード").fill(code)
            page.get_by_role("button", name="ログイン").click()
            page.wait_for_url("**/bookings/")
            page.get_by_role("heading", name="予約の確認").wait_for()
            self.shot("my-bookings")


class CancelAndRescheduleTest(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
        )
        self.sign_in(self.w.hanako.user)

    def test_she_cancels_after_seeing_the_deadline(self) -> None:
        page = self.page
        page.goto("/bookings/")
        self.shot("my-bookings")
        page.get_by_role("link", name=re.compile("詳細・変更・取り消し")).click()
        self.shot("booking")
        page.get_by_role("link", name="予約を取り消す").click()
        page.get_by_text("2026年12月2日(水) 11:00までオンラインで取り消せます").wait_for()
        page.get_by_label("理由（任意）").fill("都合が悪くなったため")
        self.shot("cancel")
        page.get_by_role("button", name="はい、この予約を取り消します").click()
        page.get_by_role("heading", name="取り消した予約").wait_for()
        self.shot("cancelled")
        self.assertEqual(Booking.objects.get(pk=self.booking.pk).status, "cancelled")

    def test_she_moves_her_booking_and_keeps_it_until_the_new_time_is_hers(self) -> None:
        page = self.page
        page.goto(f"/bookings/{self.booking.reference}/")
        page.get_by_role("link", name="日時を変更する").click()
        self.shot("change-month")
        page.get_by_role("link", name="12月4日(金), 空きあり").click()
        page.get_by_role("button", name="12月4日(金) 14:00, 青戸保健センター").click()
        page.get_by_text("予約の日時を変更しました").wait_for()
        self.shot("moved")
        booking = Booking.objects.get(pk=self.booking.pk)
        self.assertEqual((booking.start, booking.status), (tokyo(2026, 12, 4, 14), "confirmed"))


class LanguageSwitchMidFlowTest(BrowserTestCase):
    def test_switching_language_on_the_details_page_keeps_her_time(self) -> None:
        page = self.page
        page.goto("/book/day/2026-12-03/?site=aoto")
        page.get_by_role("button", name="12月3日(木) 10:00, 青戸保健センター").click()
        page.wait_for_url("**/book/details/**")
        details_url = page.url
        self.shot("details-ja")
        page.get_by_label("言語 / Language").select_option("en")
        page.get_by_role("button", name="言語を変える").click()
        page.get_by_role("heading", name="Your details", exact=True).wait_for()
        self.shot("details-en")
        self.assertEqual(page.url, details_url)
        page.get_by_text("Thu 3 December 2026").wait_for()
        self.assertEqual(Booking.objects.filter(status="held").count(), 1)
        # The choice is remembered on the next page.
        page.goto("/")
        page.get_by_role("heading", name=re.compile("Book your")).wait_for()

"""Bad input at each step: a clear message in her language, what she typed kept, nothing wrong
written. Never a 500."""

from __future__ import annotations

import datetime as dt

import time_machine

from scheduling.models import Booking, Pregnancy, Resident, User
from scheduling.services import booking_create
from tests.base import NOW
from tests.frontend.helpers import DAY, START, FlowTestCase, details_data


class BadInputTest(FlowTestCase):
    def post_details(self, hold: Booking, lang: str = "en", **overrides: object):  # type: ignore[no-untyped-def]
        return self.send_details(
            hold, details_data(hold.display_reference, **overrides), HTTP_ACCEPT_LANGUAGE=lang
        )

    def assertNothingWritten(self, hold: Booking) -> None:
        self.assertEqual(Booking.objects.get(pk=hold.pk).status, Booking.Status.HELD)
        self.assertFalse(Resident.objects.filter(name="山田 花子", phone__contains="5555").exists())
        self.assertFalse(User.objects.filter(phone="+819055556666").exists())

    def test_an_invalid_phone_number_is_explained_next_to_the_field(self) -> None:
        hold = self.hold()
        response = self.post_details(hold, phone="12345")
        self.assertContains(response, "not a Japanese phone number", status_code=422)
        self.assertContains(
            response, 'aria-describedby="id_phone_help id_phone_error"', status_code=422
        )
        self.assertContains(response, 'value="12345"', status_code=422)
        self.assertContains(response, 'value="山田 花子"', status_code=422)
        self.assertNothingWritten(hold)

    def test_a_landline_cannot_take_sms_reminders(self) -> None:
        hold = self.hold()
        response = self.post_details(hold, phone="03-3602-1284", reminders="sms")
        self.assertContains(response, "cannot receive SMS", status_code=422)
        self.assertNothingWritten(hold)

    def test_a_landline_is_fine_with_email_reminders(self) -> None:
        hold = self.hold()
        response = self.post_details(
            hold, phone="03-3602-1284", reminders="email", email="yamada@example.jp"
        )
        self.assertEqual(response.status_code, 302)
        user = User.objects.get(email="yamada@example.jp")
        self.assertIsNone(user.phone)  # not a number a code can be texted to

    def test_060_numbers_are_mobiles(self) -> None:
        hold = self.hold()
        response = self.post_details(hold, phone="060-1234-5678")
        self.assertEqual(response.status_code, 302)

    def test_email_reminders_need_an_email(self) -> None:
        hold = self.hold()
        response = self.post_details(hold, reminders="both", email="")
        self.assertContains(response, "enter your email address", status_code=422)
        self.assertNothingWritten(hold)

    def test_a_due_date_in_the_past_is_refused(self) -> None:
        hold = self.hold()
        response = self.post_details(hold, due_date="2026-11-01")
        self.assertContains(response, "cannot be in the past", status_code=422)
        self.assertContains(response, 'value="2026-11-01"', status_code=422)
        self.assertNothingWritten(hold)

    def test_a_due_date_more_than_42_weeks_away_is_refused(self) -> None:
        hold = self.hold()
        response = self.post_details(hold, due_date="2027-12-01")
        self.assertContains(response, "more than 42 weeks away", status_code=422)
        self.assertNothingWritten(hold)

    def test_neither_due_date_nor_weeks_is_asked_for(self) -> None:
        hold = self.hold()
        response = self.post_details(hold, due_date="", weeks="")
        self.assertContains(response, "Please enter your due date", status_code=422)

    def test_a_garbled_date_and_weeks_are_explained(self) -> None:
        hold = self.hold()
        response = self.post_details(hold, due_date="next june", weeks="99")
        self.assertContains(response, "year-month-day", status_code=422)
        self.assertContains(response, "between 1 and 41", status_code=422)

    def test_messages_come_in_her_language(self) -> None:
        hold = self.hold()
        response = self.post_details(hold, lang="ja", due_date="2026-11-01")
        self.assertContains(response, "出産予定日", status_code=422)
        self.assertNotContains(response, "cannot be in the past", status_code=422)

    def test_consent_is_needed(self) -> None:
        hold = self.hold()
        response = self.post_details(hold, consent=None)
        self.assertContains(response, "tick the box", status_code=422)
        self.assertNothingWritten(hold)

    def test_a_slot_taken_meanwhile_offers_other_times(self) -> None:
        for pregnancy in (self.w.hanako_pregnancy, self.w.mei_pregnancy):
            booking_create(
                site=self.w.aoto, interview_type=self.w.itype, start=START, pregnancy=pregnancy
            )
        response = self.client.post(
            "/book/hold/",
            {
                "site": self.w.aoto.id,
                "start": START.isoformat(),
                "mode": "in_person",
                "site_code": "aoto",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
        self.assertContains(response, "just been taken", status_code=409)
        self.assertContains(response, "These times are free", status_code=409)
        self.assertFalse(Booking.objects.filter(status=Booking.Status.HELD).exists())

    def test_an_expired_hold_says_so_and_keeps_what_she_typed(self) -> None:
        hold = self.hold()
        with time_machine.travel(NOW + dt.timedelta(minutes=11), tick=False):
            response = self.post_details(hold, name="山田 花子")
        self.assertContains(response, "more than a few minutes", status_code=410)
        self.assertContains(response, 'value="山田 花子"', status_code=410)
        self.assertFalse(Resident.objects.filter(phone="+819055556666").exists())
        self.assertFalse(Pregnancy.objects.filter(resident__phone="+819055556666").exists())
        # Choosing a time again brings her typing back.
        with time_machine.travel(NOW + dt.timedelta(minutes=12), tick=False):
            new_hold = self.hold(start=START + dt.timedelta(hours=1))
            page = self.client.get(f"/book/details/{new_hold.reference}/")
        self.assertContains(page, 'value="090-5555-6666"')

    def test_a_tampered_hidden_field_is_refused_and_nothing_is_written(self) -> None:
        hold = self.hold()
        other = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=START + dt.timedelta(hours=1),
            pregnancy=self.w.mei_pregnancy,
        )
        response = self.client.post(
            f"/book/details/{hold.reference}/",
            details_data(other.display_reference),
            HTTP_ACCEPT_LANGUAGE="en",
        )
        self.assertContains(response, "Something in the form was changed", status_code=422)
        self.assertNothingWritten(hold)
        self.assertEqual(Booking.objects.get(pk=other.pk).pregnancy, self.w.mei_pregnancy)

    def test_another_sessions_hold_is_not_found(self) -> None:
        hold = self.hold()
        stranger = self.client_class()
        self.assertEqual(stranger.get(f"/book/details/{hold.reference}/").status_code, 404)
        response = stranger.post(
            f"/book/details/{hold.reference}/", details_data(hold.display_reference)
        )
        self.assertEqual(response.status_code, 404)
        self.assertNothingWritten(hold)

    def test_a_tampered_time_or_site_on_the_hold_form_is_explained(self) -> None:
        for data in (
            {"site": "999999", "start": START.isoformat()},
            {"site": self.w.aoto.id, "start": "yesterday"},
            {"site": self.w.aoto.id, "start": "2026-12-03T10:00"},
            {"site": self.w.sakuragawa_site.id, "start": START.isoformat()},
        ):
            response = self.client.post("/book/hold/", data, HTTP_ACCEPT_LANGUAGE="en")
            self.assertEqual(response.status_code, 302, data)
        page = self.client.get("/book/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, "could not read the time")
        self.assertFalse(Booking.objects.exists())

    def test_a_time_off_the_grid_is_refused_cleanly(self) -> None:
        response = self.client.post(
            "/book/hold/",
            {
                "site": self.w.aoto.id,
                "start": START.replace(minute=7).isoformat(),
                "site_code": "aoto",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
        self.assertEqual(response.status_code, 409)
        self.assertFalse(Booking.objects.exists())

    def test_a_bad_day_or_month_in_the_address_is_not_a_500(self) -> None:
        self.assertEqual(self.client.get("/book/day/2026-13-45/").status_code, 404)
        self.assertEqual(self.client.get("/book/calendar/?month=abc&site=zzz").status_code, 200)
        self.assertEqual(self.client.get(f"/book/day/{DAY}/?site=nowhere").status_code, 200)

    def test_a_number_that_already_has_an_account_books_for_that_account_once_proven(
        self,
    ) -> None:
        # No "already on an account" (that would tell who was pregnant): the code to the number
        # proves she holds it, and the booking goes to that account (tests/security has the
        # byte-for-byte comparison with a new number).
        Booking.objects.filter(pregnancy=self.w.hanako_pregnancy).delete()
        hold = self.hold()
        response = self.post_details(hold, phone="090-1111-2222")
        self.assertRedirects(response, f"/bookings/{hold.reference}/?new=1")
        booking = Booking.objects.get(pk=hold.pk)
        self.assertEqual(booking.status, Booking.Status.CONFIRMED)
        self.assertEqual(booking.pregnancy.resident.user, self.w.hanako.user)

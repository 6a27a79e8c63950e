"""A remote interview end to end: her page, SMS, email and .ics carry the join link (video) or the
numbers (phone), never a site's address or the in-person list of what to bring; setting the link
tells her through the outbox; the nurse's feed carries neither link nor number."""

from __future__ import annotations

from notifications.models import Message
from notifications.texts import render_message
from scheduling.calendars.services import nurse_feed_rotate
from scheduling.models import Booking
from scheduling.services import booking_create
from scheduling.staff_services import booking_update_staff_details
from tests.base import BaseTestCase, tokyo
from tests.contacts.helpers import remote_hours, remote_interview_contact

LINK = "https://meet.example/yurikago-8m-abc"
ADDRESS = "葛飾区青戸4-15-14"
CALL_FROM = "03-3602-1284"
HER_NUMBER = "090-1111-2222"
IN_PERSON_ONLY = ("母子健康手帳", "maternal and child health handbook", "本人確認", "photo ID")


class RemoteInterviewEndToEndTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.contact = remote_interview_contact(self.w)
        remote_hours(self.w)

    def book(self, mode: str, language: str = "ja") -> Booking:
        assert self.contact.interview_type is not None
        return booking_create(
            site=self.w.aoto,
            interview_type=self.contact.interview_type,
            start=tokyo(2026, 12, 7, 17),
            pregnancy=self.w.hanako_pregnancy,
            mode=mode,
            notify_sms=True,
            notify_email=True,
            language=language,
        )

    def texts(self, booking: Booking, purpose: str) -> dict[str, str]:
        out = {}
        for message in Message.objects.filter(booking=booking, purpose=purpose, status="pending"):
            rendered = render_message(message)
            out[message.channel] = rendered.text + "\n" + rendered.subject
        return out

    def assert_remote_only(self, text: str) -> None:
        self.assertNotIn(ADDRESS, text)
        for words in IN_PERSON_ONLY:
            self.assertNotIn(words, text)

    def set_link(self, booking: Booking, link: str = LINK) -> Booking:
        return booking_update_staff_details(
            booking=booking, staff_notes="", video_url=link, actor=self.w.nurse_kato.user
        )

    def test_setting_the_link_tells_her_by_sms_and_email_with_the_link(self) -> None:
        booking = self.book("video")
        self.assertEqual(self.texts(booking, "reschedule"), {})
        self.set_link(booking)
        texts = self.texts(booking, "reschedule")
        self.assertEqual(set(texts), {"sms", "email"})
        for channel, text in texts.items():
            with self.subTest(channel):
                self.assertIn(LINK, text)
                self.assert_remote_only(text)

    def test_changing_the_link_tells_her_again_and_reminders_carry_the_new_one(self) -> None:
        booking = self.set_link(self.book("video"))
        self.set_link(booking, LINK + "-new")
        booking.refresh_from_db()
        reminders = self.texts(booking, "reminder")
        self.assertTrue(reminders)
        for text in reminders.values():
            self.assertIn(LINK + "-new", text)
            self.assert_remote_only(text)
        self.assertEqual(Message.objects.filter(booking=booking, purpose="reschedule").count(), 4)

    def test_the_confirmation_of_a_video_interview_makes_sense_before_the_link(self) -> None:
        booking = self.book("video")
        texts = self.texts(booking, "confirmation")
        self.assertIn("ビデオ通話", texts["sms"])
        self.assertIn(booking.display_reference, texts["sms"])
        self.assertIn("決まりしだい", texts["email"])
        for text in texts.values():
            self.assert_remote_only(text)

    def test_a_phone_interview_says_we_call_her_number_from_ours(self) -> None:
        booking = self.book("phone", language="en")
        texts = self.texts(booking, "confirmation")
        self.assertIn(CALL_FROM, texts["sms"])
        self.assertIn(f"we will call you at {HER_NUMBER} from {CALL_FROM}", texts["email"])
        for text in texts.values():
            self.assert_remote_only(text)

    def test_her_page_shows_the_link_and_no_address_or_list_to_bring(self) -> None:
        booking = self.set_link(self.book("video"))
        self.client.force_login(self.w.hanako.user)
        html = self.client.get(f"/bookings/{booking.reference}/").content.decode()
        self.assertIn(f'href="{LINK}"', html)
        self.assert_remote_only(html)
        self.assertNotIn("What to bring", html)
        self.assertNotIn("持ち物", html)

    def test_her_page_for_a_phone_interview_names_both_numbers(self) -> None:
        booking = self.book("phone")
        self.client.force_login(self.w.hanako.user)
        response = self.client.get(f"/bookings/{booking.reference}/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, f"We will call you at {HER_NUMBER} from {CALL_FROM}.")
        self.assert_remote_only(response.content.decode())

    def test_her_calendar_file_has_the_link_as_its_location(self) -> None:
        booking = self.set_link(self.book("video"))
        self.client.force_login(self.w.hanako.user)
        ics = self.client.get(f"/bookings/{booking.reference}/calendar.ics").content.decode()
        unfolded = ics.replace("\r\n ", "")
        self.assertIn(f"LOCATION:{LINK}", unfolded)
        self.assertNotIn(ADDRESS, unfolded)

    def test_the_nurse_feed_has_neither_link_nor_numbers(self) -> None:
        self.set_link(self.book("video"))
        Booking.objects.filter(status="confirmed").update(status="cancelled")
        self.book("phone")
        token = nurse_feed_rotate(nurse=self.w.nurse_kato)
        feed = self.client.get(f"/calendar/nurse/{token}.ics").content.decode().replace("\r\n ", "")
        self.assertIn("BEGIN:VEVENT", feed)
        for secret in (LINK, "meet.example", CALL_FROM, HER_NUMBER, "+819011112222"):
            self.assertNotIn(secret, feed)

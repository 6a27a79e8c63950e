"""The nurse's day view has a "start" button for a remote interview: the video link, or a call to
her number; none for an interview in person."""

from __future__ import annotations

from django.urls import reverse

from scheduling.models import Booking
from scheduling.services import booking_create
from tests.base import NOW, tokyo
from tests.contacts.helpers import remote_hours, remote_interview_contact
from tests.staff.helpers import StaffTestCase


class NurseDayStartButtonTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        contact = remote_interview_contact(self.w)
        remote_hours(self.w)
        assert contact.interview_type is not None
        self.video = booking_create(
            site=self.w.aoto,
            interview_type=contact.interview_type,
            start=tokyo(2026, 12, 1, 17),
            pregnancy=self.w.hanako_pregnancy,
            mode="video",
            staff=True,
            now=NOW,
        )
        Booking.objects.filter(pk=self.video.pk).update(video_url="https://meet.example/start-me")
        self.phone = booking_create(
            site=self.w.aoto,
            interview_type=contact.interview_type,
            start=tokyo(2026, 12, 1, 18),
            pregnancy=self.w.mei_pregnancy,
            mode="phone",
            staff=True,
            now=NOW,
        )
        self.sign_in(self.w.nurse_kato.user)

    def test_a_video_interview_starts_from_its_link_and_a_phone_one_calls_her(self) -> None:
        html = self.client.get(reverse("staff:day"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        self.assertIn('<a class="button start-remote" href="https://meet.example/start-me"', html)
        self.assertIn('<a class="button start-remote" href="tel:+818033334444">', html)
        self.assertIn("Start the call", html)

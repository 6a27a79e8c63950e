"""The join link and the phone numbers of a remote interview never reach the logs: not when the
nurse sets the link on the staff page, not when the notices and reminders are sent."""

from __future__ import annotations

import logging
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from notifications.models import Message
from scheduling.services import booking_create
from tests.base import tokyo
from tests.contacts.helpers import remote_hours, remote_interview_contact
from tests.staff.helpers import StaffTestCase

LINK = "https://meet.example/never-logged-xyz"


class RemoteLinkNeverLoggedTest(StaffTestCase):
    def test_setting_the_link_and_sending_the_notices_log_neither_link_nor_number(self) -> None:
        contact = remote_interview_contact(self.w)
        remote_hours(self.w)
        assert contact.interview_type is not None
        booking = booking_create(
            site=self.w.aoto,
            interview_type=contact.interview_type,
            start=tokyo(2026, 12, 7, 17),
            pregnancy=self.w.hanako_pregnancy,
            mode="video",
            notify_email=True,
        )
        self.sign_in(self.w.admin_abe)
        stream = StringIO()
        handler = logging.StreamHandler(stream)
        handler.setLevel(logging.DEBUG)
        handler.setFormatter(logging.Formatter("%(name)s %(message)s %(args)s"))
        root = logging.getLogger()
        old_level = root.level
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        try:
            response = self.client.post(
                reverse("staff:details", args=[booking.reference]),
                {"staff_notes": "", "video_url": LINK},
            )
            self.assertEqual(response.status_code, 302)
            call_command("dispatch_messages", stdout=StringIO())
        finally:
            root.removeHandler(handler)
            root.setLevel(old_level)
        sent = Message.objects.filter(booking=booking, purpose="reschedule", status="sent")
        self.assertEqual(sent.count(), 2, "the notice went out by SMS and email")
        logged = stream.getvalue()
        self.assertIn("message", logged)  # the dispatcher did log its work
        for secret in (LINK, "meet.example", "03-3602-1284", "090-1111-2222", "+819011112222"):
            self.assertNotIn(secret, logged)

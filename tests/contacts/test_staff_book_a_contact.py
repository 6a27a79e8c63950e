"""Staff booking for a resident on the phone choose the contact (issue 15): a second contact's
interview type is offered, its remote times from the nurses' remote hours, and the booking is
for that contact."""

from __future__ import annotations

from django.urls import reverse

from scheduling.models import Booking
from scheduling.services import booking_create
from tests.base import tokyo
from tests.contacts.helpers import katsushika_contacts, remote_hours, remote_interview_contact
from tests.staff.helpers import StaffTestCase


class StaffBookAContactTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        katsushika_contacts(self.w)
        self.contact = remote_interview_contact(self.w)
        remote_hours(self.w)
        booking_create(  # her first interview is booked already
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
        )
        self.sign_in(self.w.admin_abe)

    def test_the_contacts_are_offered_and_a_remote_ones_times_are_its_nurses_remote_hours(
        self,
    ) -> None:
        page = self.client.get(reverse("staff:book"), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(
            page, '<option value="interview-8m">妊娠8か月の面談</option>', html=True
        )
        page = self.client.get(
            reverse("staff:book"),
            {
                "site": self.w.aoto.pk,
                "date": "2026-12-05",
                "mode": "video",
                "contact": "interview-8m",
            },
        )
        self.assertContains(page, "contact=interview-8m")
        self.assertContains(page, "09:00")  # Saturday: 青戸 is closed, remote hours are not

    def test_staff_book_the_8th_month_remote_interview_for_her(self) -> None:
        response = self.client.post(
            reverse("staff:book_details"),
            {
                "site": self.w.aoto.pk,
                "start": tokyo(2026, 12, 5, 9).isoformat(),
                "mode": "phone",
                "contact": "interview-8m",
                "phone": "090-1111-2222",
                "name": "山田 花子",
                "name_kana": "ヤマダ ハナコ",
                "language": "ja",
                "due_date": "2027-06-01",
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        booking = Booking.objects.get(contact=self.contact)
        self.assertEqual(
            (booking.pregnancy, booking.mode, booking.status),
            (self.w.hanako_pregnancy, "phone", "confirmed"),
        )

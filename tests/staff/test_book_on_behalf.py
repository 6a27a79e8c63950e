"""Booking for a resident who phones or walks in: same slots, same conflicts, staff-entered."""

from __future__ import annotations

from django.urls import reverse

from notifications.models import Message
from scheduling.models import Booking, Resident
from scheduling.resident_services import booking_create_on_behalf
from scheduling.services import booking_create
from tests.base import NOW, tokyo
from tests.staff.helpers import StaffTestCase
from yurikago.errors import DomainError


class BookOnBehalfTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sign_in(self.w.nurse_sato.user)

    def post(self, start, **extra):  # type: ignore[no-untyped-def]
        data = {
            "site": self.w.aoto.pk,
            "start": start.isoformat(),
            "mode": "in_person",
            "phone": "090-5555-6666",
            "name": "佐々木 桜",
            "language": "ja",
            "due_date": "2027-07-01",
            "first_pregnancy": "yes",
            "notes": "電話予約",
        }
        data.update(extra)
        return self.client.post(reverse("staff:book_details"), data)

    def test_the_slot_list_includes_times_inside_the_online_notice(self) -> None:
        response = self.client.get(
            reverse("staff:book"),
            {"site": self.w.aoto.pk, "date": "2026-12-01", "mode": "in_person"},
        )
        # Today 13:00 is inside the 24 hours' notice: residents cannot book it, staff can.
        self.assertContains(response, "13:00")

    def test_a_new_caller_is_registered_and_booked_as_staff_entered(self) -> None:
        response = self.post(tokyo(2026, 12, 1, 13))
        booking = Booking.objects.get(pregnancy__resident__phone="+819055556666")
        self.assertRedirects(
            response,
            reverse("staff:booking", args=[booking.reference]),
            fetch_redirect_response=False,
        )
        self.assertEqual(booking.channel, Booking.Channel.STAFF)
        self.assertEqual(booking.created_by, self.w.nurse_sato.user)
        self.assertEqual(booking.status, Booking.Status.CONFIRMED)
        self.assertTrue(booking.pregnancy.first_pregnancy)
        self.assertTrue(booking.events.filter(actor_is_staff=True).exists())
        # She still gets her confirmation (by SMS: a mobile number).
        self.assertTrue(
            Message.objects.filter(booking=booking, purpose="confirmation", channel="sms").exists()
        )

    def test_a_known_caller_is_found_by_phone_not_duplicated(self) -> None:
        self.post(tokyo(2026, 12, 1, 13), phone="090-1111-2222", name="山田 花子")
        self.assertEqual(Resident.objects.filter(phone="+819011112222").count(), 1)
        booking = Booking.objects.get(pregnancy=self.w.hanako_pregnancy)
        self.assertEqual(booking.channel, Booking.Channel.STAFF)

    def test_looking_up_a_phone_number_prefills_her_details(self) -> None:
        start = tokyo(2026, 12, 1, 13)
        response = self.client.get(
            reverse("staff:book_details"),
            {
                "site": self.w.aoto.pk,
                "start": start.isoformat(),
                "mode": "in_person",
                "phone": "09011112222",
            },
        )
        self.assertContains(response, 'value="山田 花子"')

    def test_a_landline_gets_no_sms(self) -> None:
        self.post(
            tokyo(2026, 12, 1, 13),
            phone="03-3602-1284",
            email="sakura@example.jp",
            notify_email="on",
        )
        booking = Booking.objects.get(pregnancy__resident__phone="+81336021284")
        self.assertFalse(booking.notify_sms)
        self.assertFalse(Message.objects.filter(booking=booking, channel="sms").exists())

    def test_an_overlap_is_refused_even_for_staff(self) -> None:
        start = tokyo(2026, 12, 2, 10)
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=start,
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=start,
            pregnancy=self.w.mei_pregnancy,
            now=NOW,
        )
        response = self.post(start)
        self.assertEqual(response.status_code, 409)
        self.assertFalse(Resident.objects.filter(phone="+819055556666").exists())  # rolled back

    def test_the_service_refuses_a_time_in_the_past(self) -> None:
        with self.assertRaises(DomainError) as caught:
            booking_create_on_behalf(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=tokyo(2026, 12, 1, 8),
                phone="+819055556666",
                phone_is_mobile=True,
                name="x",
                actor=self.w.nurse_sato.user,
                now=NOW,
            )
        self.assertEqual(caught.exception.code, "in_past")

    def test_a_site_she_does_not_work_at_is_not_found(self) -> None:
        response = self.client.post(
            reverse("staff:book_details"),
            {
                "site": self.w.niccowa.pk,
                "start": tokyo(2026, 12, 2, 10).isoformat(),
                "mode": "in_person",
                "phone": "09055556666",
                "name": "x",
                "language": "ja",
            },
        )
        self.assertEqual(response.status_code, 404)

    def test_a_bad_phone_number_is_an_error_next_to_the_field(self) -> None:
        response = self.post(tokyo(2026, 12, 1, 13), phone="12345")
        self.assertContains(response, "090-1234-5678")
        self.assertFalse(Booking.objects.filter(channel=Booking.Channel.STAFF).exists())

"""One active booking per pregnancy per contact: her first interview and her 8th-month interview
can both be booked; a second booking for the same contact is refused (by the service, and by the
database when a write goes around it)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from scheduling.models import Booking
from scheduling.services import booking_create, booking_hold
from tests.base import BaseTestCase, tokyo
from tests.contacts.helpers import katsushika_contacts, remote_hours, remote_interview_contact
from yurikago.errors import DomainError


class OneActiveBookingPerContactTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.contacts = katsushika_contacts(self.w)
        self.remote = remote_interview_contact(self.w)
        remote_hours(self.w)
        self.pregnancy = self.w.hanako_pregnancy

    def book_first(self, hour: int = 10) -> Booking:
        return booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, hour),
            pregnancy=self.pregnancy,
        )

    def book_remote(self, hour: int = 17) -> Booking:
        assert self.remote.interview_type is not None
        return booking_create(
            site=self.w.aoto,
            interview_type=self.remote.interview_type,
            start=tokyo(2026, 12, 3, hour),
            pregnancy=self.pregnancy,
            mode="video",
            contact=self.remote,
        )

    def test_a_booking_records_the_contact_of_its_interview_type(self) -> None:
        self.assertEqual(self.book_first().contact, self.contacts.first)

    def test_her_first_and_her_8th_month_interviews_can_both_be_booked(self) -> None:
        first, remote = self.book_first(), self.book_remote()
        self.assertEqual((first.contact, remote.contact), (self.contacts.first, self.remote))
        self.assertEqual(Booking.objects.active().filter(pregnancy=self.pregnancy).count(), 2)

    def test_a_second_booking_for_the_same_contact_is_refused(self) -> None:
        self.book_remote(17)
        with self.assertRaises(DomainError) as caught:
            self.book_remote(18)
        self.assertEqual(caught.exception.code, "already_booked")

    def test_a_hold_for_the_same_contact_cannot_be_confirmed_for_her(self) -> None:
        self.book_first(10)
        from scheduling.services import booking_confirm

        hold = booking_hold(
            site=self.w.aoto, interview_type=self.w.itype, start=tokyo(2026, 12, 4, 10)
        )
        with self.assertRaises(DomainError) as caught:
            booking_confirm(booking=hold, pregnancy=self.pregnancy)
        self.assertEqual(caught.exception.code, "already_booked")

    def test_a_contact_booked_through_another_interview_type_is_not_found(self) -> None:
        with self.assertRaises(DomainError) as caught:
            booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=tokyo(2026, 12, 3, 10),
                pregnancy=self.pregnancy,
                contact=self.remote,
            )
        self.assertEqual(caught.exception.code, "not_found")

    def test_the_database_refuses_a_second_active_booking_for_the_contact(self) -> None:
        booking = self.book_remote(17)
        twin = Booking(
            municipality=booking.municipality,
            pregnancy=self.pregnancy,
            site=booking.site,
            nurse=self.w.nurse_sato,
            interview_type=booking.interview_type,
            contact=self.remote,
            mode="phone",
            start=tokyo(2026, 12, 10, 17),
            end=tokyo(2026, 12, 10, 17, 30),
            blocked_until=tokyo(2026, 12, 10, 17, 30),
            status=Booking.Status.CONFIRMED,
        )
        with self.assertRaises(IntegrityError), transaction.atomic():
            twin.save()

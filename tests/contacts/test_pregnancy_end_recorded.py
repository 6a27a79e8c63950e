"""Staff record how a pregnancy ended. A birth opens the after-birth contact and closes the
8th-month contacts not done yet as not needed (their booking is cancelled, its reminders taken
back); a miscarriage or stillbirth closes the journey: no booking stays, nothing more is sent."""

from __future__ import annotations

import datetime as dt

from notifications.models import Message
from scheduling.contact_services import pregnancy_record_end
from scheduling.contacts import CLOSED, DUE, NOT_NEEDED, pregnancy_contacts
from scheduling.models import Booking, PregnancyContact
from scheduling.services import booking_create
from tests.base import BaseTestCase, tokyo
from tests.contacts.helpers import katsushika_contacts, remote_hours, remote_interview_contact
from yurikago.errors import DomainError


class PregnancyEndRecordedTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.contacts = katsushika_contacts(self.w)
        self.remote = remote_interview_contact(self.w)
        remote_hours(self.w)
        self.pregnancy = self.w.hanako_pregnancy
        self.pregnancy.notified_on = dt.date(2026, 11, 1)
        self.pregnancy.save()
        assert self.remote.interview_type is not None
        self.remote_booking = booking_create(
            site=self.w.aoto,
            interview_type=self.remote.interview_type,
            start=tokyo(2026, 12, 7, 17),
            pregnancy=self.pregnancy,
            mode="phone",
        )

    def statuses(self) -> dict[str, str]:
        return {line.contact.code: line.status for line in pregnancy_contacts(self.pregnancy)}

    def pending(self) -> int:
        return Message.objects.filter(
            booking__pregnancy=self.pregnancy, status=Message.Status.PENDING
        ).count()

    def test_a_birth_before_the_8th_month_contact_closes_it_as_not_needed(self) -> None:
        self.assertGreater(self.pending(), 0)
        pregnancy_record_end(
            pregnancy=self.pregnancy, outcome="birth", on=dt.date(2026, 11, 30), babies=2
        )
        statuses = self.statuses()
        self.assertEqual(statuses["interview-8m"], NOT_NEEDED)
        self.assertEqual(statuses["questionnaire-8m"], NOT_NEEDED)
        self.assertEqual(statuses["late-visit"], NOT_NEEDED)
        self.remote_booking.refresh_from_db()
        self.assertEqual(self.remote_booking.status, Booking.Status.CANCELLED)
        self.assertEqual(self.pending(), 0)

    def test_a_birth_opens_the_after_birth_contact(self) -> None:
        self.assertNotEqual(self.statuses()["baby-visit"], DUE)
        pregnancy_record_end(
            pregnancy=self.pregnancy, outcome="birth", on=dt.date(2026, 11, 30), babies=1
        )
        self.pregnancy.refresh_from_db()
        self.assertEqual((self.pregnancy.babies, self.pregnancy.is_active), (1, True))
        self.assertEqual(self.statuses()["baby-visit"], DUE)

    def test_a_contact_already_done_stays_done(self) -> None:
        PregnancyContact.objects.create(
            pregnancy=self.pregnancy, contact=self.contacts.questionnaire, status="done"
        )
        pregnancy_record_end(
            pregnancy=self.pregnancy, outcome="birth", on=dt.date(2026, 11, 30), babies=1
        )
        self.assertEqual(self.statuses()["questionnaire-8m"], "done")

    def test_a_miscarriage_closes_the_journey_and_takes_back_every_message(self) -> None:
        first = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 8, 10),
            pregnancy=self.pregnancy,
        )
        sent_before = Message.objects.filter(purpose="cancellation").count()
        pregnancy_record_end(
            pregnancy=self.pregnancy, outcome="miscarriage", on=dt.date(2026, 11, 30)
        )
        self.pregnancy.refresh_from_db()
        self.assertFalse(self.pregnancy.is_active)
        self.assertEqual(set(self.statuses().values()), {CLOSED})
        first.refresh_from_db()
        self.assertEqual(first.status, Booking.Status.CANCELLED)
        self.assertEqual(self.pending(), 0)
        self.assertEqual(Message.objects.filter(purpose="cancellation").count(), sent_before)

    def test_a_birth_needs_a_number_of_babies_and_a_date_not_in_the_future(self) -> None:
        for on, babies in ((dt.date(2026, 11, 30), None), (dt.date(2026, 12, 2), 1)):
            with self.assertRaises(DomainError):
                pregnancy_record_end(
                    pregnancy=self.pregnancy, outcome="birth", on=on, babies=babies
                )
        self.pregnancy.refresh_from_db()
        self.assertEqual(self.pregnancy.outcome, "")

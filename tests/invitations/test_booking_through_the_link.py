"""After her link (issue 16): the booking flow books the pregnancy the link was for, with her
details filled in, even when another pregnancy of hers is ongoing (the session is scoped to the
link's pregnancy)."""

from __future__ import annotations

import datetime as dt

from notifications.models import Message
from scheduling.invitation_services import invitations_round
from scheduling.models import Booking, Pregnancy
from tests.base import NOW
from tests.contacts.helpers import katsushika_contacts
from tests.frontend.helpers import START, FlowTestCase, details_data

from .helpers import link_path, notified


class BookingThroughTheLinkTest(FlowTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.contacts = katsushika_contacts(cls.w)

    def setUp(self) -> None:
        super().setUp()
        self.aiko = notified(self.w, "青木 あい", "+818010000001", due=dt.date(2027, 6, 9))
        Pregnancy.objects.filter(pk=self.aiko.pk).update(handbook_number="K-123")
        invitations_round(now=NOW)
        _, _, self.path = link_path(Message.objects.get(purpose="invitation"))
        # A newer pregnancy of hers (the one the flow would otherwise choose).
        self.newer = Pregnancy.objects.create(
            resident=self.aiko.resident, due_date=dt.date(2027, 9, 1)
        )

    def test_her_details_are_filled_in_from_the_link_s_pregnancy(self) -> None:
        self.client.post(self.path)
        hold = self.hold(start=START)
        page = self.client.get(f"/book/details/{hold.reference}/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "青木 あい")
        self.assertContains(page, "K-123")
        self.assertContains(page, "2027-06-09")

    def test_the_booking_is_for_the_link_s_pregnancy(self) -> None:
        self.client.post(self.path)
        hold = self.hold(start=START)
        response = self.send_details(
            hold,
            details_data(
                hold.display_reference,
                name="青木 あい",
                phone="080-1000-0001",
                due_date="2027-06-09",
            ),
        )
        self.assertEqual(response.status_code, 302, response.content[:800])
        booking = Booking.objects.get(pk=hold.pk)
        self.assertEqual(booking.status, Booking.Status.CONFIRMED)
        self.assertEqual(booking.pregnancy_id, self.aiko.pk)

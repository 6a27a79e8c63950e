"""The "your visit is at …" message goes out through the dispatcher like any other (a home visit
is not a booking, so the row has none), and is taken back if the time changed before it went."""

from __future__ import annotations

import datetime as dt

from notifications.models import Message
from notifications.tasks import dispatch_due_messages
from scheduling.home_visit_models import District, VisitBlock
from scheduling.home_visit_services import (
    district_import,
    home_visit_confirm,
    home_visit_request,
    resident_address_save,
)
from tests.base import BaseTestCase, tokyo
from tests.contacts.helpers import katsushika_contacts
from tests.contacts.test_home_visits import CSV, THURSDAY


class VisitTimeMessageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        w = self.w
        district_import(municipality=w.katsushika, text=CSV)
        VisitBlock.objects.create(
            nurse=w.nurse_sato,
            district=District.objects.get(code="aoto-1"),
            date=THURSDAY,
            start_time=dt.time(9),
            end_time=dt.time(12),
        )
        resident_address_save(resident=w.hanako, postcode="124-0012", town="青戸四丁目")
        self.visit = home_visit_request(
            pregnancy=w.hanako_pregnancy,
            contact=katsushika_contacts(w).late_visit,
            date=THURSDAY,
            half="am",
        )

    def test_the_dispatcher_sends_it(self) -> None:
        home_visit_confirm(visit=self.visit, start=tokyo(2026, 12, 3, 10))
        dispatch_due_messages()
        message = Message.objects.get(purpose=Message.Purpose.VISIT_TIME)
        self.assertEqual(message.status, Message.Status.SENT, message.last_error)

    def test_a_time_changed_before_it_went_sends_only_the_new_one(self) -> None:
        home_visit_confirm(visit=self.visit, start=tokyo(2026, 12, 3, 10))
        home_visit_confirm(visit=self.visit, start=tokyo(2026, 12, 3, 11))
        dispatch_due_messages()
        statuses = dict(
            Message.objects.filter(purpose=Message.Purpose.VISIT_TIME).values_list(
                "occurrence", "status"
            )
        )
        self.assertEqual(
            statuses,
            {
                f"visit-{self.visit.pk}-202612031000": Message.Status.CANCELLED,
                f"visit-{self.visit.pk}-202612031100": Message.Status.SENT,
            },
        )

    def test_a_landline_gets_no_sms_her_email_gets_the_time_instead(self) -> None:
        resident = self.w.hanako
        resident.phone = "+81336021284"  # 03-…: a fixed line, where SMS fails
        resident.save()
        home_visit_confirm(visit=self.visit, start=tokyo(2026, 12, 3, 10))
        message = Message.objects.get(purpose=Message.Purpose.VISIT_TIME)
        self.assertEqual((message.channel, message.recipient), ("email", resident.email))

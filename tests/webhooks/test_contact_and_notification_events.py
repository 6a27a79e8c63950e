"""Issue 18's two events besides bookings: "contact done" (staff record a contact done) and
"notification imported" (a pregnancy notification from the file, the command or the API). A
subscribed receiver gets each exactly once; a subscription to other events gets nothing; the
payload says which, when and where, never health detail, and her name only with the scope."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings
from rest_framework.test import APIClient

from api.models import Scope
from api.tokens import api_token_create
from notifications.webhook_models import WebhookDelivery, WebhookEvent
from notifications.webhooks import webhooks_queue_notifications
from scheduling.contact_outcomes import pregnancy_contact_record
from scheduling.notification_import import notifications_import, row_from_values
from scheduling.services import booking_create, booking_mark_attendance
from tests.api.helpers import RELAXED_RATES
from tests.base import NOW, tokyo
from tests.contacts.helpers import katsushika_contacts
from tests.fakes.webhook_receiver import FakeReceiver

from .helpers import ALL_BOOKING_EVENTS, WebhookTestCase

CONTACT_DONE_SAYS = {
    "pregnancy",
    "contact",
    "status",
    "done_on",
    "reference",
    "site",
    "start",
    "end",
    "occurred_at",
}
IMPORTED_SAYS = {
    "record_key",
    "pregnancy",
    "notified_on",
    "matched_existing_resident",
    "status",
    "occurred_at",
}
OUTCOME = "体調不良の訴えあり、要フォロー"


def notification(key: str, **overrides: str) -> dict[str, str]:
    return {
        "record_key": key,
        "notified_on": "2026-11-25",
        "name": "佐藤 ゆい",
        "name_kana": "サトウ ユイ",
        "date_of_birth": "1993-08-15",
        "phone": "080-7777-8888",
        "email": "yui@example.jp",
        "due_date": "2027-06-20",
        "language": "ja",
        **overrides,
    }


class ContactDoneEventTest(WebhookTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.token = self.make_token(scopes=[Scope.READ_BOOKINGS])
        self.contacts = katsushika_contacts(self.w)

    def record_done(self, booking_too: bool = True) -> dict:
        booking = None
        if booking_too:
            booking = booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                contact=self.contacts.first,
                start=tokyo(2026, 12, 3, 10),
                pregnancy=self.w.hanako_pregnancy,
                now=NOW,
            )
            booking = booking_mark_attendance(
                booking=booking,
                attended=True,
                actor=self.w.manager_mori,
                now=tokyo(2026, 12, 3, 11),
            )
        pregnancy_contact_record(
            pregnancy=self.w.hanako_pregnancy,
            contact=self.contacts.first,
            status="done",
            done_on=dt.date(2026, 12, 3),
            outcome=OUTCOME,
            staff_notes="内密のメモ",
            now=tokyo(2026, 12, 3, 12),
        )
        return {"booking": booking}

    def test_a_subscribed_receiver_gets_contact_done_once_with_its_fields(self) -> None:
        with FakeReceiver(script=[500]) as receiver:
            self.subscribe(receiver.url, events=[WebhookEvent.CONTACT_DONE])
            booking = self.record_done()["booking"]
            self.run_sender([0, 10, 60, 180])
            (got,) = receiver.delivered()
        self.assertEqual(len(receiver.received), 2)  # one refusal, then delivered once
        body = got.json()
        self.assertEqual(body["type"], "contact.done")
        data = body["data"]
        self.assertEqual(set(data), CONTACT_DONE_SAYS)
        self.assertEqual(data["pregnancy"], self.w.hanako_pregnancy.pk)
        self.assertEqual(data["contact"], self.contacts.first.pk)
        self.assertEqual(data["status"], "done")
        self.assertEqual(data["done_on"], "2026-12-03")
        self.assertEqual(data["reference"], booking.reference)
        self.assertEqual(data["site"], self.w.aoto.pk)
        self.assertEqual(data["start"], booking.start.isoformat())
        text = got.body.decode()
        self.assertNotIn(OUTCOME, text)
        self.assertNotIn("内密のメモ", text)
        self.assertNotIn(self.w.hanako.name, text)

    def test_done_without_a_booking_says_so(self) -> None:
        with FakeReceiver() as receiver:
            self.subscribe(receiver.url, events=[WebhookEvent.CONTACT_DONE])
            self.record_done(booking_too=False)
            self.run_sender([0])
            (got,) = receiver.delivered()
        data = got.json()["data"]
        self.assertEqual(set(data), CONTACT_DONE_SAYS)
        self.assertIsNone(data["reference"])
        self.assertIsNone(data["site"])

    def test_not_done_sends_nothing(self) -> None:
        self.subscribe("http://127.0.0.1:9/", events=[WebhookEvent.CONTACT_DONE])
        pregnancy_contact_record(
            pregnancy=self.w.hanako_pregnancy,
            contact=self.contacts.first,
            status="declined",
            reason="本人の希望",
            now=NOW,
        )
        self.assertEqual(WebhookDelivery.objects.count(), 0)

    def test_a_subscription_to_booking_events_only_gets_no_contact_done(self) -> None:
        with FakeReceiver() as receiver:
            self.subscribe(receiver.url, events=ALL_BOOKING_EVENTS)
            self.record_done()
            self.run_sender([0])
            types = [r.json()["type"] for r in receiver.delivered()]
        self.assertEqual(sorted(types), ["booking.attended", "booking.created"])

    def test_with_the_personal_data_scope_her_name_is_included(self) -> None:
        token = self.make_token(scopes=[Scope.READ_BOOKINGS, Scope.PERSONAL_DATA])
        with FakeReceiver() as receiver:
            self.subscribe(receiver.url, events=[WebhookEvent.CONTACT_DONE], token=token)
            self.record_done(booking_too=False)
            self.run_sender([0])
            (got,) = receiver.delivered()
        self.assertEqual(got.json()["data"]["resident_name"], self.w.hanako.name)


@override_settings(API_THROTTLE_RATES=RELAXED_RATES)
class NotificationImportedEventTest(WebhookTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.token = self.make_token(scopes=[Scope.READ_BOOKINGS])

    def import_rows(self, *keys: str) -> None:
        rows = []
        for i, key in enumerate(keys):
            values = notification(key, phone=f"080-7777-88{i:02d}", email=f"y{i}@example.jp")
            row, errors = row_from_values(values, line=i + 1, today=dt.date(2026, 12, 1))
            self.assertEqual(errors, [])
            rows.append(row)
        result = notifications_import(municipality=self.w.katsushika, rows=rows)
        self.assertFalse(result.refused)

    def test_each_imported_notification_is_one_event_delivered_once(self) -> None:
        with FakeReceiver(script=[503, 503]) as receiver:
            self.subscribe(receiver.url, events=[WebhookEvent.NOTIFICATION_IMPORTED])
            self.import_rows("K-1", "K-2")
            self.import_rows("K-1", "K-2")  # the same file again: nothing new, no event
            self.run_sender([0, 10, 60, 180, 600])
            delivered = receiver.delivered()
        self.assertEqual(len(delivered), 2)
        self.assertEqual(len({r.headers["Yurikago-Event-Id"] for r in delivered}), 2)
        by_key = {r.json()["data"]["record_key"]: r.json() for r in delivered}
        self.assertEqual(set(by_key), {"K-1", "K-2"})
        data = by_key["K-1"]["data"]
        self.assertEqual(by_key["K-1"]["type"], "notification.imported")
        self.assertEqual(set(data), IMPORTED_SAYS)
        self.assertEqual(data["notified_on"], "2026-11-25")
        self.assertEqual(data["status"], "imported")
        text = " ".join(r.body.decode() for r in delivered)
        for private in ("佐藤", "080", "yui", "2027-06-20", "1993-08-15"):
            self.assertNotIn(private, text)

    def test_the_api_import_sends_it_too_and_the_name_only_with_the_scope(self) -> None:
        secret = api_token_create(
            municipality=self.w.katsushika,
            name="母子保健",
            scopes=[Scope.WRITE_BOOKINGS, Scope.PERSONAL_DATA],
        )
        with FakeReceiver() as receiver:
            self.subscribe(
                receiver.url, events=[WebhookEvent.NOTIFICATION_IMPORTED], token=secret[0]
            )
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret[1]}")
            response = client.post(
                "/api/v1/pregnancy-notifications/", notification("K-9"), format="json"
            )
            self.assertEqual(response.status_code, 201, response.content)
            client.post("/api/v1/pregnancy-notifications/", notification("K-9"), format="json")
            self.run_sender([0])
            (got,) = receiver.delivered()
        data = got.json()["data"]
        self.assertEqual(data["pregnancy"], response.json()["pregnancy"])
        self.assertEqual(data["resident_name"], "佐藤 ゆい")

    def test_a_subscription_to_other_events_gets_nothing_and_costs_one_query(self) -> None:
        self.subscribe("http://127.0.0.1:9/", events=ALL_BOOKING_EVENTS)
        self.import_rows("K-3")
        self.assertEqual(WebhookDelivery.objects.count(), 0)
        with self.assertNumQueries(1):
            webhooks_queue_notifications(
                municipality_id=self.w.katsushika.pk, record_keys=["K-3"], now=NOW
            )

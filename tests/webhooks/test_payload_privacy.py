"""The payload says which booking, when, where, which contact and its status: never health
detail, and her name only to a token with the personal-data scope."""

from __future__ import annotations

from api.models import Scope
from tests.fakes.webhook_receiver import FakeReceiver

from .helpers import WebhookTestCase

# The pregnancy's id is how the 母子保健 system ties a booking to its record; nothing about it.
WHAT_IT_SAYS = {
    "reference",
    "status",
    "start",
    "end",
    "mode",
    "site",
    "contact",
    "interview_type",
    "pregnancy",
    "sequence",
    "occurred_at",
}


class PayloadPrivacyTest(WebhookTestCase):
    def body_for(self, scopes: list[str]) -> dict:
        with FakeReceiver() as receiver:
            self.subscribe(receiver.url, token=self.make_token(scopes=scopes))
            booking = self.book()
            self.run_sender([0])
            (got,) = receiver.delivered()
        data = got.json()["data"]
        self.assertEqual(data["reference"], booking.reference)
        self.assertEqual(data["status"], "confirmed")
        self.assertEqual(data["start"], booking.start.isoformat())
        self.assertEqual(data["site"], self.w.aoto.pk)
        self.assertIn("contact", data)
        return data

    def test_without_the_scope_there_is_no_name_and_no_health_detail(self) -> None:
        data = self.body_for([Scope.READ_BOOKINGS])
        self.assertEqual(set(data), WHAT_IT_SAYS)
        text = str(data)
        self.assertNotIn(self.w.hanako.name, text)
        self.assertNotIn("2027-06-01", text)  # her due date

    def test_with_the_personal_data_scope_her_name_is_included(self) -> None:
        data = self.body_for([Scope.READ_BOOKINGS, Scope.PERSONAL_DATA])
        self.assertEqual(data["resident_name"], self.w.hanako.name)

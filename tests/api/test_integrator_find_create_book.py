"""A 母子保健 system drives Yurikago with three calls (docs/api.md's worked example): find the
pregnancy by its record key, create it by sending the notification when there is none, then
book for it. One integration token with bookings:read, bookings:write and personal_data."""

from __future__ import annotations

from api.models import Scope
from api.tokens import api_token_create
from scheduling.models import AccessLog, Booking
from tests.base import tokyo

from .helpers import API, ApiTestCase

NOTIFICATION = {
    "record_key": "K-2026-0815",
    "notified_on": "2026-11-25",
    "name": "佐藤 ゆい",
    "name_kana": "サトウ ユイ",
    "phone": "080-7777-8888",
    "due_date": "2027-06-20",
    "language": "ja",
}


class IntegratorFindCreateBookTest(ApiTestCase):
    def token(self, scopes: list[str]) -> str:
        return api_token_create(municipality=self.w.katsushika, name="母子保健", scopes=scopes)[1]

    def setUp(self) -> None:
        super().setUp()
        self.client = self.client_for(
            self.token([Scope.READ_BOOKINGS, Scope.WRITE_BOOKINGS, Scope.PERSONAL_DATA])
        )

    def find(self, record_key: str) -> list[dict]:
        response = self.client.get(f"{API}/pregnancies/", {"record_key": record_key})
        self.assertEqual(response.status_code, 200, response.content[:300])
        return response.json()

    def test_find_then_create_then_book(self) -> None:
        # 1. Not known yet.
        self.assertEqual(self.find("K-2026-0815"), [])
        # 2. Create: the notification makes her pregnancy.
        created = self.client.post(f"{API}/pregnancy-notifications/", NOTIFICATION, format="json")
        self.assertEqual(created.status_code, 201, created.content)
        pregnancy_id = created.json()["pregnancy"]
        # The find now answers with the same pregnancy (and logs that her name was shown).
        (found,) = self.find("K-2026-0815")
        self.assertEqual(found["pregnancy"], pregnancy_id)
        self.assertEqual(found["record_key"], "K-2026-0815")
        self.assertEqual(found["notified_on"], "2026-11-25")
        self.assertTrue(found["ongoing"])
        self.assertEqual(found["resident_name"], "佐藤 ゆい")
        self.assertEqual(
            AccessLog.objects.filter(action="api_view", resident__name="佐藤 ゆい").count(), 1
        )
        # 3. Book for it.
        booked = self.client.post(
            f"{API}/bookings/",
            {
                "site": self.w.aoto.pk,
                "start": tokyo(2026, 12, 3, 10).isoformat(),
                "pregnancy": pregnancy_id,
            },
            format="json",
        )
        self.assertEqual(booked.status_code, 201, booked.content)
        booking = Booking.objects.get(reference=booked.json()["reference"])
        self.assertEqual(booking.pregnancy_id, pregnancy_id)
        self.assertEqual(booking.channel, Booking.Channel.API)

    def test_finding_needs_the_personal_data_scope(self) -> None:
        client = self.client_for(self.token([Scope.READ_BOOKINGS, Scope.WRITE_BOOKINGS]))
        response = client.get(f"{API}/pregnancies/", {"record_key": "K-1"})
        self.assertProblem(response, 403)

    def test_another_municipalitys_records_are_not_found(self) -> None:
        response = self.client.get(
            f"{API}/pregnancies/", {"record_key": "K-1", "municipality": "sakuragawa"}
        )
        self.assertProblem(response, 404)

    def test_a_record_key_is_required(self) -> None:
        self.assertProblem(self.client.get(f"{API}/pregnancies/"), 400)

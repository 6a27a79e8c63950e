"""POST /api/v1/pregnancy-notifications/ (issue 16): the 母子保健 system sends one notification at
a time. It becomes a notified pregnancy like a row of the CSV import, with the same checks; a
record key sent again answers 200 with what the first call made and writes nothing; a My Number,
in a value or as a field, is refused; only the municipality's administrators and its
integration tokens (with the personal-data scope) may send."""

from __future__ import annotations

import datetime as dt

from api.tokens import api_token_create
from scheduling.models import Pregnancy, PregnancyNotification

from .helpers import API, ApiTestCase, token_for

URL = f"{API}/pregnancy-notifications/"


def record(key: str = "K-2026-001", **overrides: str) -> dict[str, str]:
    return {
        "record_key": key,
        "notified_on": "2026-11-25",
        "counter": "子ども家庭支援センター",
        "name": "佐藤 ゆい",
        "name_kana": "サトウ ユイ",
        "date_of_birth": "1993-08-15",
        "phone": "080-7777-8888",
        "email": "yui@example.jp",
        "district": "金町",
        "due_date": "2027-06-20",
        "language": "en",
        **overrides,
    }


class PregnancyNotificationEndpointTest(ApiTestCase):
    def test_a_notification_becomes_a_notified_pregnancy(self) -> None:
        client = self.client_for(token_for(self.w.katsushika))
        response = client.post(URL, record(), format="json")
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["created"], True)
        self.assertEqual(body["matched_existing_resident"], False)
        pregnancy = Pregnancy.objects.select_related("resident").get(pk=body["pregnancy"])
        self.assertEqual(pregnancy.notified_on, dt.date(2026, 11, 25))
        self.assertEqual(pregnancy.preferred_language, "en")
        self.assertEqual(pregnancy.resident.municipality, self.w.katsushika)
        self.assertEqual(pregnancy.notification.source, "api")

    def test_the_same_record_key_again_changes_nothing(self) -> None:
        client = self.client_for(token_for(self.w.katsushika))
        first = client.post(URL, record(), format="json").json()
        again = client.post(URL, record(name="別の 名前"), format="json")
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json(), {**first, "created": False})
        self.assertEqual(PregnancyNotification.objects.count(), 1)
        self.assertEqual(Pregnancy.objects.get(pk=first["pregnancy"]).resident.name, "佐藤 ゆい")

    def test_she_is_matched_to_her_resident_record_by_email(self) -> None:
        client = self.client_for(self.w.admin_abe)
        response = client.post(URL, record(phone="", email="hanako@example.jp"), format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["pregnancy"], self.w.hanako_pregnancy.pk)
        self.assertTrue(response.json()["matched_existing_resident"])

    def test_a_my_number_value_is_refused_and_nothing_written(self) -> None:
        client = self.client_for(token_for(self.w.katsushika))
        response = client.post(URL, record(handbook_number="1234-5678-9018"), format="json")
        body = self.assertProblem(response, 422, "my_number")
        self.assertIn("マイナンバー", body["detail"])  # the API answers in Japanese by default
        self.assertFalse(PregnancyNotification.objects.exists())

    def test_a_my_number_field_is_refused_even_empty(self) -> None:
        client = self.client_for(token_for(self.w.katsushika))
        response = client.post(URL, {**record(), "個人番号": ""}, format="json")
        self.assertProblem(response, 422, "my_number")
        self.assertFalse(PregnancyNotification.objects.exists())

    def test_bad_dates_are_refused_with_the_reason(self) -> None:
        client = self.client_for(token_for(self.w.katsushika))
        response = client.post(
            URL, record(notified_on="2026-13-01"), format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
        body = self.assertProblem(response, 400)
        self.assertIn(
            "届出日 (notification date) 2026-13-01 is not a date (write it as YYYY-MM-DD).",
            [error["detail"] for error in body["errors"]],
        )
        self.assertFalse(PregnancyNotification.objects.exists())

    def test_another_municipality_is_not_found(self) -> None:
        for who in (token_for(self.w.sakuragawa), self.w.admin_ogawa):
            response = self.client_for(who).post(
                URL, record(municipality="katsushika"), format="json"
            )
            self.assertProblem(response, 404)
        self.assertFalse(PregnancyNotification.objects.exists())

    def test_nurses_managers_residents_and_strangers_may_not_send(self) -> None:
        for who, code in (
            (self.w.nurse_sato.user, 404),
            (self.w.manager_mori, 404),
            (self.w.hanako.user, 403),
            (None, 401),
        ):
            response = self.client_for(who).post(URL, record(), format="json")
            self.assertEqual(response.status_code, code, who)
        self.assertFalse(PregnancyNotification.objects.exists())

    def test_a_token_without_the_personal_data_scope_may_not_send(self) -> None:
        _, secret = api_token_create(
            municipality=self.w.katsushika, name="bookings only", scopes=["bookings:write"]
        )
        response = self.client_for(secret).post(URL, record(), format="json")
        self.assertEqual(response.status_code, 403)

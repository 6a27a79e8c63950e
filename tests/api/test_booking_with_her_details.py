"""POST /bookings/ with her details (issue 13 item 3): staff and tokens with the personal-data
scope book for a caller through the same find-or-create as the staff booking page, so both
doors match the same resident by her phone and refuse the same numbers."""

from __future__ import annotations

from django.urls import reverse

from api.models import Scope
from api.tokens import api_token_create
from scheduling.models import Booking, Resident
from tests.base import tokyo
from tests.staff.helpers import sign_in_with_mfa

from .helpers import API, ApiTestCase


def her(**overrides: object) -> dict:
    return {
        "name": "佐々木 桜",
        "name_kana": "ササキ サクラ",
        "phone": "090-5555-6666",
        "language": "en",
        "due_date": "2027-07-01",
        **overrides,
    }


class BookingWithHerDetailsTest(ApiTestCase):
    def token(self, scopes: list[str]) -> str:
        return api_token_create(municipality=self.w.katsushika, name="母子保健", scopes=scopes)[1]

    def setUp(self) -> None:
        super().setUp()
        self.client = self.client_for(
            self.token([Scope.READ_BOOKINGS, Scope.WRITE_BOOKINGS, Scope.PERSONAL_DATA])
        )

    def book(self, client=None, day: int = 3, **details: object):  # type: ignore[no-untyped-def]
        return (client or self.client).post(
            f"{API}/bookings/",
            {
                "site": self.w.aoto.pk,
                "start": tokyo(2026, 12, day, 10).isoformat(),
                "resident": her(**details),
            },
            format="json",
        )

    def test_a_new_caller_is_registered_and_booked(self) -> None:
        response = self.book()
        self.assertEqual(response.status_code, 201, response.content)
        booking = Booking.objects.select_related("pregnancy__resident").get(
            reference=response.json()["reference"]
        )
        resident = booking.pregnancy.resident
        self.assertEqual(resident.phone, "+819055556666")
        self.assertEqual(resident.name, "佐々木 桜")
        self.assertEqual(resident.preferred_language, "en")
        self.assertEqual(str(booking.pregnancy.due_date), "2027-07-01")
        self.assertEqual(booking.channel, Booking.Channel.API)

    def test_a_known_caller_is_found_by_phone_not_duplicated(self) -> None:
        response = self.book(phone="090-1111-2222", name="山田 花子")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(Resident.objects.filter(phone="+819011112222").count(), 1)
        booking = Booking.objects.get(reference=response.json()["reference"])
        self.assertEqual(booking.pregnancy, self.w.hanako_pregnancy)

    def test_web_and_api_match_the_same_resident_by_phone(self) -> None:
        # The API registers her first; she cancels; staff then book her at the desk by the
        # same number (one active booking per pregnancy, so the first is cancelled).
        first = self.book(day=3)
        self.assertEqual(first.status_code, 201, first.content)
        cancelled = self.client.post(f"{API}/bookings/{first.json()['reference']}/cancel/")
        self.assertEqual(cancelled.status_code, 200, cancelled.content)
        web = self.client_class()
        sign_in_with_mfa(web, self.w.nurse_sato.user)
        response = web.post(
            reverse("staff:book_details"),
            {
                "site": self.w.aoto.pk,
                "start": tokyo(2026, 12, 4, 10).isoformat(),
                "mode": "in_person",
                "phone": "09055556666",
                "name": "佐々木 桜",
                "language": "en",
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:500])
        self.assertEqual(Resident.objects.filter(phone="+819055556666").count(), 1)
        channels = sorted(
            Booking.objects.filter(pregnancy__resident__phone="+819055556666").values_list(
                "channel", flat=True
            )
        )
        self.assertEqual(channels, [Booking.Channel.API, Booking.Channel.STAFF])
        self.assertEqual(
            Booking.objects.filter(pregnancy__resident__phone="+819055556666")
            .values("pregnancy")
            .distinct()
            .count(),
            1,
        )

    def test_a_number_another_account_has_is_refused_as_on_the_web(self) -> None:
        # A staff member's sign-in number: never attached to a resident, and not said whose.
        staff_user = self.w.nurse_sato.user
        staff_user.phone = "+819077778888"
        staff_user.save(update_fields=["phone"])
        response = self.book(phone="090-7777-8888")
        body = self.assertProblem(response, response.status_code)
        self.assertIn(response.status_code, (400, 422))
        self.assertEqual(body["code"], "invalid")
        self.assertNotIn(staff_user.email, response.content.decode())
        self.assertFalse(Booking.objects.filter(status=Booking.Status.CONFIRMED).exists())

    def test_without_the_personal_data_scope_it_is_refused(self) -> None:
        client = self.client_for(self.token([Scope.READ_BOOKINGS, Scope.WRITE_BOOKINGS]))
        self.assertProblem(self.book(client=client), 403)
        self.assertFalse(Resident.objects.filter(phone="+819055556666").exists())

    def test_a_resident_cannot_book_for_someone_else_by_details(self) -> None:
        client = self.client_for(self.w.hanako.user)
        self.assertProblem(self.book(client=client), 403)
        self.assertFalse(Resident.objects.filter(phone="+819055556666").exists())

    def test_details_with_a_pregnancy_or_a_bad_number_are_invalid(self) -> None:
        response = self.client.post(
            f"{API}/bookings/",
            {
                "site": self.w.aoto.pk,
                "start": tokyo(2026, 12, 3, 10).isoformat(),
                "pregnancy": self.w.hanako_pregnancy.pk,
                "resident": her(),
            },
            format="json",
        )
        self.assertProblem(response, 400)
        self.assertProblem(self.book(phone="12345"), 400)

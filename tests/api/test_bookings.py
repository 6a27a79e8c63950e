"""Booking through the API: directly, from a hold, conflicts, cancel, reschedule, calendar."""

from __future__ import annotations

from scheduling.models import Booking
from scheduling.services import booking_create
from tests.base import NOW, tokyo

from .helpers import API, ApiTestCase

THURSDAY_10 = "2026-12-03T10:00:00+09:00"


class BookingApiTest(ApiTestCase):
    def book(self, client, **body):  # type: ignore[no-untyped-def]
        return client.post(
            f"{API}/bookings/",
            {"site": self.w.aoto.id, "start": THURSDAY_10, **body},
            format="json",
        )

    def test_a_resident_books_a_slot_directly_for_her_pregnancy(self) -> None:
        response = self.book(self.client_for(self.w.hanako.user))
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["status"], "confirmed")
        self.assertEqual(body["start"], THURSDAY_10)
        self.assertEqual(body["end"], "2026-12-03T10:30:00+09:00")
        self.assertNotIn("nurse", body)
        booking = Booking.objects.get(reference=body["reference"])
        self.assertEqual(booking.pregnancy, self.w.hanako_pregnancy)
        self.assertEqual(booking.channel, Booking.Channel.API)

    def test_a_hold_then_a_confirmation_makes_one_booking(self) -> None:
        client = self.client_for(self.w.hanako.user)
        hold = client.post(
            f"{API}/holds/", {"site": self.w.aoto.id, "start": THURSDAY_10}, format="json"
        )
        self.assertEqual(hold.status_code, 201, hold.content)
        self.assertTrue(hold.json()["expires_at"].endswith("+09:00"))
        response = client.post(f"{API}/bookings/", {"hold": hold.json()["id"]}, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["reference"], hold.json()["id"])
        self.assertEqual(Booking.objects.filter(status="confirmed").count(), 1)

    def test_a_released_hold_frees_the_slot(self) -> None:
        client = self.client_for(self.w.hanako.user)
        hold = client.post(
            f"{API}/holds/", {"site": self.w.aoto.id, "start": THURSDAY_10}, format="json"
        ).json()
        self.assertEqual(client.delete(f"{API}/holds/{hold['id']}/").status_code, 204)
        self.assertEqual(Booking.objects.get(reference=hold["id"]).status, "expired")

    def test_a_taken_slot_is_a_409_with_alternatives(self) -> None:
        for pregnancy in (self.w.mei_pregnancy,):
            booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=tokyo(2026, 12, 3, 10),
                pregnancy=pregnancy,
                now=NOW,
            )
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self._third_pregnancy(),
            now=NOW,
        )
        response = self.book(self.client_for(self.w.hanako.user))
        body = self.assertProblem(response, 409, "slot_unavailable")
        self.assertGreaterEqual(len(body["alternatives"]), 1)
        first = body["alternatives"][0]
        self.assertTrue(first["start"].endswith("+09:00"))
        self.assertNotEqual(first["start"], THURSDAY_10)
        self.assertEqual(body["errors"][0]["field"], "/start")

    def _third_pregnancy(self):  # type: ignore[no-untyped-def]
        from tests.base import _resident

        return _resident(self.w.katsushika, "third@example.jp", "+819055556666", "三")[1]

    def test_a_second_booking_for_the_same_pregnancy_is_refused(self) -> None:
        client = self.client_for(self.w.hanako.user)
        self.assertEqual(self.book(client).status_code, 201)
        response = self.book(client, start="2026-12-04T10:00:00+09:00")
        self.assertProblem(response, 409, "already_booked")

    def test_she_lists_her_own_bookings_only(self) -> None:
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 11),
            pregnancy=self.w.mei_pregnancy,
            now=NOW,
        )
        client = self.client_for(self.w.hanako.user)
        response = client.get(f"{API}/bookings/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["count"], 1)

    def test_the_list_costs_the_same_queries_for_one_or_many_bookings(self) -> None:
        nurse = self.client_for(self.w.nurse_sato.user)
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        nurse.get(f"{API}/bookings/")  # warm the session
        with self.assertNumQueries(8):
            self.assertEqual(nurse.get(f"{API}/bookings/").json()["count"], 1)
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 11),
            pregnancy=self.w.mei_pregnancy,
            now=NOW,
        )
        with self.assertNumQueries(8):
            self.assertEqual(nurse.get(f"{API}/bookings/").json()["count"], 2)

    def test_she_cancels_before_the_deadline(self) -> None:
        client = self.client_for(self.w.hanako.user)
        reference = self.book(client, start="2026-12-10T10:00:00+09:00").json()["reference"]
        response = client.post(
            f"{API}/bookings/{reference}/cancel/", {"reason": "体調"}, format="json"
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "cancelled")

    def test_she_cannot_cancel_after_the_deadline_but_staff_can(self) -> None:
        client = self.client_for(self.w.hanako.user)
        reference = self.book(client).json()["reference"]  # Thursday: deadline Wed 11:00
        self.traveller.stop()
        import time_machine

        with time_machine.travel(tokyo(2026, 12, 2, 12), tick=False):
            client = self.client_for(self.w.hanako.user)  # a session idles out in 30 minutes
            self.assertProblem(
                client.post(f"{API}/bookings/{reference}/cancel/", {}, format="json"),
                422,
                "deadline_passed",
            )
            nurse = self.client_for(self.w.nurse_kato.user)
            response = nurse.post(f"{API}/bookings/{reference}/cancel/", {}, format="json")
            self.assertEqual(response.status_code, 200, response.content)
        self.traveller.start()

    def test_she_reschedules_and_keeps_her_reference(self) -> None:
        client = self.client_for(self.w.hanako.user)
        reference = self.book(client, start="2026-12-10T10:00:00+09:00").json()["reference"]
        response = client.post(
            f"{API}/bookings/{reference}/reschedule/",
            {"start": "2026-12-11T14:00:00+09:00"},
            format="json",
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["reference"], reference)
        self.assertEqual(response.json()["start"], "2026-12-11T14:00:00+09:00")
        self.assertEqual(response.json()["sequence"], 1)

    def test_the_calendar_file_has_the_bookings_uid(self) -> None:
        client = self.client_for(self.w.hanako.user)
        reference = self.book(client).json()["reference"]
        response = client.get(f"{API}/bookings/{reference}/ics")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/calendar"))
        self.assertIn(f"booking-{reference}@yurikago".encode(), response.content)

    def test_staff_book_for_a_caller_inside_the_minimum_notice(self) -> None:
        nurse = self.client_for(self.w.nurse_sato.user)
        response = nurse.post(
            f"{API}/bookings/",
            {
                "site": self.w.aoto.id,
                "start": "2026-12-01T14:00:00+09:00",
                "pregnancy": self.w.mei_pregnancy.id,
            },
            format="json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertIn("nurse", response.json())

    def test_a_staff_detail_view_is_written_to_the_access_log(self) -> None:
        from scheduling.models import AccessLog

        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        nurse = self.client_for(self.w.nurse_sato.user)
        body = nurse.get(f"{API}/bookings/{booking.reference}/").json()
        self.assertEqual(body["resident_name"], "山田 花子")
        self.assertTrue(
            AccessLog.objects.filter(user=self.w.nurse_sato.user, booking=booking).exists()
        )

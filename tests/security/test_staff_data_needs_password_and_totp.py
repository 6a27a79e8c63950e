"""Finding 2: TOTP guarded only /staff/ pages. A staff session that never passed TOTP (password
only, or an emailed code) read bookings through the API, cancelled them, read reports, wrote
time off and opened resident pages of bookings at her sites. One policy now decides it
(scheduling.access.scope_for): staff scope only for a session that passed password + TOTP."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from scheduling.models import Booking, TimeOff, User
from scheduling.services import booking_create
from tests.api.helpers import API, RELAXED_RATES
from tests.base import NOW, BaseTestCase, tokyo

from .sessions import sign_in_by_code, sign_in_password_only, sign_in_with_mfa, totp_activate

SignIn = Callable[[Client, User], None]
UNVERIFIED: dict[str, SignIn] = {"password only": sign_in_password_only, "code": sign_in_by_code}


class StaffDataNeedsPasswordAndTotpTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        from django.core.cache import cache

        cache.clear()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        self.ref = self.booking.reference

    def api(self, sign_in: SignIn, user: User) -> APIClient:
        client = APIClient()
        sign_in(client, user)
        return client

    def test_the_api_shows_no_booking_to_a_staff_session_without_totp(self) -> None:
        for how, sign_in in UNVERIFIED.items():
            with self.subTest(how), self.settings(API_THROTTLE_RATES=RELAXED_RATES):
                client = self.api(sign_in, self.w.nurse_sato.user)
                response = client.get(f"{API}/bookings/{self.ref}/")
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("山田", response.content.decode())
                listed = client.get(f"{API}/bookings/").json()["results"]
                self.assertEqual(listed, [])

    def test_the_api_lets_no_staff_session_without_totp_cancel_or_write(self) -> None:
        off = {"start": "2026-12-07T09:00:00+09:00", "end": "2026-12-07T12:00:00+09:00"}
        sato = self.w.nurse_sato
        for how, sign_in in UNVERIFIED.items():
            with self.subTest(how), self.settings(API_THROTTLE_RATES=RELAXED_RATES):
                client = self.api(sign_in, self.w.admin_abe)
                cancel = client.post(f"{API}/bookings/{self.ref}/cancel/", {}, format="json")
                self.assertEqual(cancel.status_code, 404)
                self.assertEqual(cancel["Content-Type"], "application/problem+json")
                report = client.get(f"{API}/reports/utilisation/")
                self.assertEqual(report.status_code, 403)
                written = client.post(f"{API}/nurses/{sato.pk}/time-off/", off, format="json")
                self.assertIn(written.status_code, (403, 404))
        self.booking.refresh_from_db()
        self.assertEqual(self.booking.status, Booking.Status.CONFIRMED)
        self.assertFalse(TimeOff.objects.filter(nurse=sato).exists())

    def test_the_same_calls_work_after_password_and_totp(self) -> None:
        with self.settings(API_THROTTLE_RATES=RELAXED_RATES):
            client = self.api(sign_in_with_mfa, self.w.admin_abe)
            self.assertEqual(client.get(f"{API}/bookings/{self.ref}/").status_code, 200)
            self.assertEqual(client.get(f"{API}/reports/utilisation/").status_code, 200)

    def test_resident_pages_of_bookings_at_her_sites_stay_closed_without_totp(self) -> None:
        url = reverse("frontend:booking", args=[self.ref])
        for how, sign_in in UNVERIFIED.items():
            with self.subTest(how):
                client = Client()
                sign_in(client, self.w.nurse_sato.user)
                self.assertEqual(client.get(url).status_code, 404)
        client = Client()
        sign_in_with_mfa(client, self.w.nurse_sato.user)
        self.assertEqual(client.get(url).status_code, 200)

    def test_staff_pages_send_a_password_only_session_to_totp(self) -> None:
        client = Client()
        sign_in_password_only(client, self.w.nurse_sato.user)
        response = client.get(reverse("staff:day"))
        self.assertRedirects(response, reverse("mfa_activate_totp"), fetch_redirect_response=False)
        totp_activate(self.w.nurse_sato.user)
        response = client.get(reverse("staff:day"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("mfa_reauthenticate")))

    def test_staff_pages_do_not_open_for_a_code_session_even_with_a_totp_code(self) -> None:
        # A code and a TOTP code are not a password and a TOTP code.
        import time

        from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

        totp_activate(self.w.nurse_sato.user)
        client = Client()
        sign_in_by_code(client, self.w.nurse_sato.user)
        session = client.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            *session[AUTHENTICATION_METHODS_SESSION_KEY],
            {"method": "mfa", "at": time.time(), "type": "totp"},
        ]
        session.save()
        self.assertEqual(client.get(reverse("staff:day")).status_code, 404)
        self.assertEqual(client.get(reverse("frontend:booking", args=[self.ref])).status_code, 404)

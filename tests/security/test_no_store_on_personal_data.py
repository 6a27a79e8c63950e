"""Pages and API answers that carry personal data are never stored by a browser or a proxy
(finding 10): a shared phone's back button or a proxy cache must not show her booking."""

from __future__ import annotations

from scheduling.services import booking_create
from tests.frontend.helpers import START
from tests.staff.helpers import sign_in_with_mfa

from .helpers import API, SecurityTestCase


class NoStoreOnPersonalDataTest(SecurityTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=START,
            pregnancy=self.w.hanako_pregnancy,
        )

    def assertNoStore(self, response) -> None:
        self.assertIn(response.status_code, (200, 302), response.content[:200])
        self.assertIn("no-store", response.get("Cache-Control", ""))

    def test_her_booking_pages_are_not_stored(self) -> None:
        self.client.force_login(self.w.hanako.user)
        self.assertNoStore(self.client.get("/bookings/"))
        self.assertNoStore(self.client.get(f"/bookings/{self.booking.reference}/"))
        self.assertNoStore(self.client.get(f"/bookings/{self.booking.reference}/calendar.ics"))

    def test_api_answers_about_her_are_not_stored(self) -> None:
        client = self.client_for(self.w.hanako.user)
        self.assertNoStore(client.get(f"{API}/bookings/"))
        self.assertNoStore(client.get(f"{API}/bookings/{self.booking.reference}/"))

    def test_staff_pages_are_not_stored(self) -> None:
        sign_in_with_mfa(self.client, self.w.nurse_sato.user)
        self.assertNoStore(self.client.get("/staff/"))

    def test_the_details_form_she_fills_in_is_not_stored(self) -> None:
        self.assertNoStore(self.client.get("/login/"))

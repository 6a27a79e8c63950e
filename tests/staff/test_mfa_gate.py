"""Staff pages require TOTP: activation first, then a code at every sign-in."""

from __future__ import annotations

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from tests.staff.helpers import StaffTestCase, totp_activate


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


class MfaGateTest(StaffTestCase):
    def test_staff_without_an_authenticator_are_sent_to_activate_totp(self) -> None:
        from tests.security.sessions import sign_in_password_only

        sign_in_password_only(self.client, self.w.nurse_sato.user)
        response = self.client.get(reverse("staff:day"))
        self.assertRedirects(response, reverse("mfa_activate_totp"), fetch_redirect_response=False)

    def test_a_session_that_skipped_the_code_is_asked_for_it(self) -> None:
        from tests.security.sessions import sign_in_password_only

        totp_activate(self.w.nurse_sato.user)
        sign_in_password_only(self.client, self.w.nurse_sato.user)
        response = self.client.get(reverse("staff:day"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("mfa_reauthenticate")))

    def test_signing_in_with_password_and_a_totp_code_opens_the_portal(self) -> None:
        # The code comes from the same (frozen) clock allauth checks it against.
        secret = totp_activate(self.w.nurse_sato.user)
        response = self.client.post(
            reverse("account_login"),
            {"login": "sato@katsushika.example", "password": "correct horse battery staple"},
        )
        self.assertRedirects(response, reverse("mfa_authenticate"), fetch_redirect_response=False)
        self.client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
        self.assertEqual(self.client.get(reverse("staff:day")).status_code, 200)

    def test_residents_never_see_the_portal(self) -> None:
        self.client.force_login(self.w.hanako.user)
        self.assertEqual(self.client.get(reverse("staff:day")).status_code, 404)

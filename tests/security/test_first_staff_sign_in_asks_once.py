"""Issue 14 item 13 (the flow): a nurse's first sign-in asked for her password twice (again before
setting up TOTP) and a TOTP code twice (again right after setting it up). Now: one password, one
TOTP code (the one that sets it up), then the portal; and every later sign-in is password + code."""

from __future__ import annotations

import time

from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.urls import reverse

from tests.base import BaseTestCase

PASSWORD = "correct horse battery staple"


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


class FirstStaffSignInAsksOnceTest(BaseTestCase):
    def test_one_password_and_one_totp_code_open_the_portal(self) -> None:
        response = self.client.post(
            reverse("account_login"), {"login": "sato@katsushika.example", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)
        # She is taken to the portal, which sends her to set up TOTP, without a second password.
        response = self.client.get(response["Location"], follow=True)
        visited = [url for url, _ in response.redirect_chain]
        self.assertEqual(visited[-1], reverse("mfa_activate_totp"), visited)
        self.assertNotIn(reverse("account_reauthenticate"), " ".join(visited))
        self.assertContains(response, 'name="code"')
        secret = self.client.session[SECRET_SESSION_KEY]
        response = self.client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
        self.assertEqual(response.status_code, 302)
        # The code that set TOTP up counts as this sign-in's TOTP step.
        self.assertEqual(self.client.get(reverse("staff:day")).status_code, 200)

    def test_a_later_sign_in_asks_for_the_password_and_a_code(self) -> None:
        self.test_one_password_and_one_totp_code_open_the_portal()
        secret = self._secret()
        self.client.logout()
        response = self.client.post(
            reverse("account_login"), {"login": "sato@katsushika.example", "password": PASSWORD}
        )
        self.assertRedirects(response, reverse("mfa_authenticate"), fetch_redirect_response=False)
        with self.settings():
            import time_machine

            with time_machine.travel(time.time() + 31, tick=False):
                self.client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
                self.assertEqual(self.client.get(reverse("staff:day")).status_code, 200)

    def _secret(self) -> str:
        from allauth.mfa.models import Authenticator
        from allauth.mfa.utils import decrypt

        totp = Authenticator.objects.get(user=self.w.nurse_sato.user, type="totp")
        return decrypt(totp.data["secret"])

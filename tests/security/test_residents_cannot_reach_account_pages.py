"""Finding 7: residents made the site send mail to any address (/accounts/email/ add, with her
self-chosen name in the text) and reached /accounts/password/set/ and /accounts/2fa/. These
pages are for staff accounts only; a resident gets 404 as for any page that is not hers."""

from __future__ import annotations

from django.core import mail
from django.test import Client

from tests.base import BaseTestCase

from .sessions import sign_in_by_code, sign_in_password_only, sign_in_with_mfa

STAFF_ONLY = [
    "/accounts/email/",
    "/accounts/password/set/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
    "/accounts/2fa/recovery-codes/",
    "/accounts/reauthenticate/",
]


class ResidentsCannotReachAccountPagesTest(BaseTestCase):
    def test_a_resident_meets_404_on_every_account_page(self) -> None:
        client = Client()
        sign_in_by_code(client, self.w.hanako.user)
        for url in STAFF_ONLY:
            with self.subTest(url):
                self.assertEqual(client.get(url).status_code, 404)

    def test_a_resident_cannot_make_the_site_mail_an_address(self) -> None:
        client = Client()
        sign_in_by_code(client, self.w.hanako.user)
        response = client.post(
            "/accounts/email/", {"action_add": "", "email": "victim@example.com"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(self.w.hanako.user.emailaddress_set.filter(email="victim@example.com"))

    def test_staff_reach_them(self) -> None:
        client = Client()
        sign_in_with_mfa(client, self.w.nurse_sato.user)
        for url in ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"]:
            with self.subTest(url):
                self.assertEqual(client.get(url).status_code, 200)

    def test_staff_setting_up_totp_reach_the_set_up_page(self) -> None:
        client = Client()
        sign_in_password_only(client, self.w.nurse_sato.user)
        self.assertEqual(client.get("/accounts/2fa/totp/activate/").status_code, 200)

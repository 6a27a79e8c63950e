"""allauth's staff pages (sign-in, password reset, TOTP set-up) wear the staff portal's look:
its stylesheet and header, labelled fields, our buttons, and no sign-up link to a closed page."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.security.sessions import sign_in_password_only
from tests.staff.helpers import StaffTestCase


class StaffSignInPagesLookTest(StaffTestCase):
    def page(self, client: Client, name: str) -> str:
        response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="ja")
        self.assertEqual(response.status_code, 200, name)
        return response.content.decode()

    def assertPortalLook(self, html: str) -> None:
        self.assertIn("frontend/staff.css", html)
        self.assertIn('class="staff-header account-header"', html)
        self.assertIn('class="button primary"', html)
        self.assertIn('<div class="field', html)

    def test_the_sign_in_page_has_no_sign_up_link(self) -> None:
        html = self.page(self.client, "account_login")
        self.assertNotIn(reverse("account_signup"), html)
        self.assertIn("職員の方のログイン", html)
        self.assertPortalLook(html)

    def test_its_fields_have_visible_labels(self) -> None:
        html = self.page(self.client, "account_login")
        self.assertIn('<label for="id_login">', html)
        self.assertIn('<label for="id_password">', html)

    def test_the_password_reset_page_looks_like_the_portal(self) -> None:
        self.assertPortalLook(self.page(self.client, "account_reset_password"))

    def test_the_totp_set_up_page_looks_like_the_portal(self) -> None:
        client = Client()
        sign_in_password_only(client, self.w.nurse_ito.user)
        self.assertPortalLook(self.page(client, "mfa_activate_totp"))

"""Finding 1: the Django admin needed only a password. POST /admin/login/ with a superuser's
password reached /admin/ (every resident of every municipality), even after she enabled TOTP.
Now the admin goes through allauth's login (rate limits, TOTP) and opens only to a superuser
whose session passed password + TOTP; nurses, managers and administrators are not is_staff."""

from __future__ import annotations

import importlib
from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from scheduling.models import User
from tests.base import BaseTestCase

from .sessions import sign_in_by_code, sign_in_password_only, sign_in_with_mfa, totp_activate

PASSWORD = "correct horse battery staple"


class AdminNeedsAllauthLoginAndTotpTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.root = User.objects.create_superuser(email="root@example.jp", password=PASSWORD)
        self.index = reverse("admin:index")

    def test_the_admins_own_password_form_no_longer_signs_anyone_in(self) -> None:
        totp_activate(self.root)
        client = Client()
        response = client.post(
            reverse("admin:login"), {"username": "root@example.jp", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("account_login")))
        self.assertNotIn("_auth_user_id", client.session)
        self.assertNotEqual(client.get(self.index).status_code, 200)

    def test_a_superuser_signed_in_with_a_password_only_is_sent_to_totp(self) -> None:
        client = Client()
        sign_in_password_only(client, self.root)
        response = client.get(self.index, follow=True)
        self.assertEqual(response.redirect_chain[-1][0], reverse("mfa_activate_totp"))
        totp_activate(self.root)
        response = client.get(self.index, follow=True)
        self.assertTrue(response.redirect_chain[-1][0].startswith(reverse("mfa_reauthenticate")))

    def test_a_superuser_signed_in_by_code_gets_nothing(self) -> None:
        client = Client()
        sign_in_by_code(client, self.root)
        self.assertIn(client.get(self.index, follow=True).status_code, (403, 404))

    def test_a_superuser_with_password_and_totp_gets_in(self) -> None:
        client = Client()
        sign_in_with_mfa(client, self.root)
        self.assertEqual(client.get(self.index).status_code, 200)
        # …and the admin's login page sends her on rather than showing a password form.
        response = client.get(reverse("admin:login") + "?next=/admin/scheduling/")
        self.assertRedirects(response, "/admin/scheduling/", fetch_redirect_response=False)

    def test_staff_who_are_not_superusers_never_get_in_even_with_is_staff(self) -> None:
        for user in [self.w.nurse_sato.user, self.w.admin_abe]:
            User.objects.filter(pk=user.pk).update(is_staff=True)
            user.refresh_from_db()
            with self.subTest(user.email):
                client = Client()
                sign_in_with_mfa(client, user)
                self.assertEqual(client.get(self.index, follow=True).status_code, 403)

    def test_the_data_migration_clears_is_staff_of_everyone_but_superusers(self) -> None:
        User.objects.filter(pk=self.w.nurse_sato.user.pk).update(is_staff=True)
        migration = importlib.import_module("scheduling.migrations.0003_only_superusers_are_staff")
        migration.clear_is_staff_of_non_superusers(apps, None)
        self.assertEqual(list(User.objects.filter(is_staff=True)), [self.root])

    def test_the_demo_makes_only_its_superuser_staff(self) -> None:
        call_command("seed_demo", "--nurses", "2", "--residents", "0", stdout=StringIO())
        staff = User.objects.filter(is_staff=True).values_list("email", flat=True)
        self.assertEqual(sorted(staff), ["root@example.jp"])

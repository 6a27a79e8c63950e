"""The staff demo without a phone app (DEBUG only): seed_demo prints the demo TOTP secret and
`manage.py demo_totp EMAIL` prints a code the real TOTP check accepts; without DEBUG neither
exists (a known secret in production would be a way in)."""

from __future__ import annotations

from io import StringIO

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from scheduling.demo import DEMO_TOTP_SECRET


class DemoTotpTest(TestCase):
    def seed(self) -> str:
        out = StringIO()
        call_command("seed_demo", "--residents", "0", stdout=out)
        return out.getvalue()

    @override_settings(DEBUG=True)
    def test_seed_demo_prints_the_secret_and_demo_totp_a_code_that_signs_in(self) -> None:
        self.assertIn(DEMO_TOTP_SECRET, self.seed())
        out = StringIO()
        call_command("demo_totp", "nurse1@katsushika.example", stdout=out, stderr=StringIO())
        code = out.getvalue().strip()
        self.assertRegex(code, r"^\d{6}$")
        authenticator = Authenticator.objects.get(
            user__email="nurse1@katsushika.example", type=Authenticator.Type.TOTP
        )
        self.assertTrue(TOTP(authenticator).validate_code(code))

    @override_settings(DEBUG=True)
    def test_every_demo_staff_account_has_it(self) -> None:
        self.seed()
        for email in ("admin@katsushika.example", "manager@katsushika.example", "root@example.jp"):
            self.assertTrue(
                Authenticator.objects.filter(user__email=email, type="totp").exists(), email
            )

    def test_without_debug_there_is_no_demo_secret_and_no_code(self) -> None:
        self.assertNotIn(DEMO_TOTP_SECRET, self.seed())
        self.assertFalse(Authenticator.objects.exists())
        with self.assertRaisesMessage(CommandError, "DEBUG=True"):
            call_command("demo_totp", "nurse1@katsushika.example", stdout=StringIO())

"""Rotating SECRET_KEY: the previous keys come from SECRET_KEY_FALLBACKS, so sessions and signed
links made with them stay valid until the fallback is removed."""

from __future__ import annotations

from django.core import signing
from django.test import SimpleTestCase, override_settings

from .settings_probe import settings_value as load_settings_value


class SecretRotationTest(SimpleTestCase):
    def test_fallback_keys_come_from_the_environment_comma_separated(self) -> None:
        value = load_settings_value(
            "SECRET_KEY_FALLBACKS", SECRET_KEY="new", SECRET_KEY_FALLBACKS="old-1, old-2"
        )
        self.assertEqual(value, "['old-1', 'old-2']")

    def test_there_are_no_fallback_keys_by_default(self) -> None:
        self.assertEqual(load_settings_value("SECRET_KEY_FALLBACKS", SECRET_KEY="new"), "[]")

    def test_a_value_signed_with_the_old_key_still_verifies_during_the_rotation(self) -> None:
        with override_settings(SECRET_KEY="old-key"):
            token = signing.dumps({"booking": 1})
        with override_settings(SECRET_KEY="new-key", SECRET_KEY_FALLBACKS=["old-key"]):
            self.assertEqual(signing.loads(token), {"booking": 1})
        with override_settings(SECRET_KEY="new-key", SECRET_KEY_FALLBACKS=[]):
            with self.assertRaises(signing.BadSignature):
                signing.loads(token)

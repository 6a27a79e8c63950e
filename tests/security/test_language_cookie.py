"""The language cookie is SameSite=Lax, and Secure when the site runs on HTTPS (finding 10)."""

from __future__ import annotations

from django.test import override_settings

from tests.base import BaseTestCase


class LanguageCookieTest(BaseTestCase):
    def choose_english(self) -> object:
        response = self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        self.assertEqual(response.status_code, 302)
        return response.cookies["yurikago_language"]

    def test_it_is_same_site_lax_and_not_readable_by_scripts(self) -> None:
        cookie = self.choose_english()
        self.assertEqual(cookie["samesite"], "Lax")
        self.assertTrue(cookie["httponly"])

    @override_settings(LANGUAGE_COOKIE_SECURE=True)
    def test_it_is_secure_when_the_site_is_served_over_https(self) -> None:
        self.assertTrue(self.choose_english()["secure"])

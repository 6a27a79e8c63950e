"""Production error pages (404, 500, CSRF 403) are the service's own, in the visitor's
language, not Django's bare English ones (finding 13). DEBUG is off, as in production."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.utils import translation

from tests.base import BaseTestCase

NOT_FOUND = {"ja": "ページが見つかりません", "en": "Page not found"}
SERVER_ERROR = {"ja": "システムで問題が起きました", "en": "Something went wrong"}
CSRF = {"ja": "もう一度お試しください", "en": "Please try again"}


@override_settings(DEBUG=False, ROOT_URLCONF="tests.security.error_urls")
class BrandedErrorPagesTest(BaseTestCase):
    def assertBranded(self, response: HttpResponse, status: int, text: str, lang: str) -> None:
        self.assertEqual(response.status_code, status)
        html = response.content.decode()
        self.assertIn(text, html)
        self.assertIn(f'<html lang="{lang}"', html)
        self.assertIn("/static/frontend/site.css", html)
        self.assertNotIn("<h1>Not Found</h1>", html)

    def test_the_404_page_speaks_the_visitors_language(self) -> None:
        for lang, text in NOT_FOUND.items():
            response = self.client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=lang)
            self.assertBranded(response, 404, text, lang)

    def test_a_signed_in_japanese_resident_gets_it_in_japanese(self) -> None:
        self.client.force_login(self.w.hanako.user)
        response = self.client.get("/bookings/no-such-booking/")
        self.assertBranded(response, 404, NOT_FOUND["ja"], "ja")

    def test_the_500_page_speaks_the_visitors_language(self) -> None:
        client = Client(raise_request_exception=False)
        for lang, text in SERVER_ERROR.items():
            response = client.get("/broken-for-tests/", HTTP_ACCEPT_LANGUAGE=lang)
            self.assertBranded(response, 500, text, lang)

    def test_the_500_page_renders_without_a_request(self) -> None:
        with translation.override("en"):
            html = render_to_string("500.html")
        self.assertIn(SERVER_ERROR["en"], html)

    def test_a_failed_csrf_check_gets_the_branded_403(self) -> None:
        client = Client(enforce_csrf_checks=True)
        for lang, text in CSRF.items():
            response = client.post("/login/", {"login": "x"}, HTTP_ACCEPT_LANGUAGE=lang)
            self.assertBranded(response, 403, text, lang)

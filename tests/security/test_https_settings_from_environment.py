"""HSTS, the HTTPS redirect, the proxy's HTTPS header and secure cookies come from the
environment (finding 10); off by default for the embedded run on http://127.0.0.1."""

from __future__ import annotations

from django.test import SimpleTestCase, override_settings

from .settings_process import settings_value

NAMES = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
)
EXPRESSION = "tuple(getattr(settings, name) for name in " + repr(NAMES) + ")"


def test_each_one_is_set_from_the_environment() -> None:
    result = settings_value(
        EXPRESSION,
        SECRET_KEY="x",
        SECURE_SSL_REDIRECT="True",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="True",
        SECURE_HSTS_PRELOAD="True",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        SESSION_COOKIE_SECURE="True",
        CSRF_COOKIE_SECURE="True",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(
        (True, 31536000, True, True, ("HTTP_X_FORWARDED_PROTO", "https"), True, True, True)
    )


def test_by_default_nothing_assumes_https_or_trusts_a_forwarded_header() -> None:
    result = settings_value(EXPRESSION, SECRET_KEY="x")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr((False, 0, False, False, None, False, False, False))


def test_secure_cookies_still_switches_both_cookies() -> None:
    result = settings_value(
        "(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)",
        SECRET_KEY="x",
        SECURE_COOKIES="True",
    )
    assert result.stdout.strip() == "(True, True)", result.stderr


def test_a_malformed_proxy_header_stops_the_start() -> None:
    result = settings_value(
        "settings.SECURE_PROXY_SSL_HEADER", SECRET_KEY="x", SECURE_PROXY_SSL_HEADER="https"
    )
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must be" in result.stderr


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
class HttpsInProductionTest(SimpleTestCase):
    def test_plain_http_is_redirected_to_https(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response["Location"].startswith("https://"))

    def test_https_through_the_proxy_gets_hsts(self) -> None:
        response = self.client.get("/healthz", HTTP_X_FORWARDED_PROTO="https")
        self.assertNotEqual(response.status_code, 301)
        self.assertEqual(
            response["Strict-Transport-Security"], "max-age=31536000; includeSubDomains"
        )

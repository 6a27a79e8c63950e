"""A municipality embeds the booking pages in its own site: those pages allow exactly its
configured origins as frame-ancestors; its other pages, other municipalities' pages and
everything else stay DENY."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from tests.base import BaseTestCase
from yurikago.embedding import embed_origins_parse

CITY = "https://www.city.katsushika.lg.jp"
KOSODATE = "https://kosodate.example.jp"


@override_settings(EMBED_ORIGINS={"katsushika": [CITY, KOSODATE]})
class FrameAncestorsTest(BaseTestCase):
    def frame_policy(self, path: str) -> tuple[str, str | None]:
        response = self.client.get(path)
        self.assertLess(response.status_code, 400, path)
        directives = dict(
            part.strip().split(" ", 1)
            for part in response["Content-Security-Policy"].split(";")
            if " " in part.strip()
        )
        return directives["frame-ancestors"], response.headers.get("X-Frame-Options")

    def test_the_booking_pages_allow_exactly_the_configured_origins(self) -> None:
        for path in ("/", "/book/", "/book/calendar/", "/m/katsushika/book/"):
            with self.subTest(path=path):
                ancestors, xfo = self.frame_policy(path)
                self.assertEqual(ancestors, f"'self' {CITY} {KOSODATE}")
                self.assertIsNone(xfo)

    def test_origins_of_another_municipality_do_not_open_these_pages(self) -> None:
        with override_settings(EMBED_ORIGINS={"sakuragawa": ["https://www.town.example.jp"]}):
            for path in ("/book/", "/m/katsushika/book/"):
                with self.subTest(path=path):
                    ancestors, xfo = self.frame_policy(path)
                    self.assertEqual(ancestors, "'none'")
                    self.assertEqual(xfo, "DENY")

    def test_sign_in_and_her_bookings_and_staff_pages_stay_deny(self) -> None:
        for path in ("/login/", "/api/v1/docs/"):
            with self.subTest(path=path):
                ancestors, xfo = self.frame_policy(path)
                self.assertEqual(ancestors, "'none'")
                self.assertEqual(xfo, "DENY")


class NoEmbeddingByDefaultTest(BaseTestCase):
    def test_without_configured_origins_the_booking_pages_are_deny(self) -> None:
        response = self.client.get("/book/")
        self.assertIn("frame-ancestors 'none'", response["Content-Security-Policy"])
        self.assertEqual(response["X-Frame-Options"], "DENY")


class EmbedOriginsSettingTest(SimpleTestCase):
    def test_origins_are_read_per_municipality(self) -> None:
        self.assertEqual(
            embed_origins_parse(f"katsushika={CITY} {KOSODATE}; sakuragawa=https://a.example.jp"),
            {"katsushika": [CITY, KOSODATE], "sakuragawa": ["https://a.example.jp"]},
        )
        self.assertEqual(embed_origins_parse(""), {})

    def test_anything_but_an_https_origin_stops_the_start(self) -> None:
        for bad in (
            "katsushika=http://www.city.katsushika.lg.jp",
            "katsushika=https://*.example.jp",
            "katsushika=https://example.jp/path",
            "katsushika=",
            "=https://example.jp",
            "katsushika=https://example.jp 'unsafe-inline'",
        ):
            with self.subTest(value=bad), self.assertRaises(ImproperlyConfigured):
                embed_origins_parse(bad)

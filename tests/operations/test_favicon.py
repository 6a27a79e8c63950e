"""Browsers ask every page for /favicon.ico: it answers with an icon, cached, so no page logs a
missing favicon."""

from __future__ import annotations

from django.test import SimpleTestCase


class FaviconTest(SimpleTestCase):
    def test_favicon_ico_is_an_icon_cached_for_a_week(self) -> None:
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/x-icon")
        self.assertEqual(response.content[:4], b"\x00\x00\x01\x00")  # ICO header, one image
        self.assertIn("max-age=604800", response["Cache-Control"])

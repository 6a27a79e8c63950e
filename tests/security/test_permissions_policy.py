"""Every answer says the pages use no camera, microphone, location or payment (finding 10)."""

from __future__ import annotations

from tests.base import BaseTestCase

from .helpers import API


class PermissionsPolicyTest(BaseTestCase):
    def test_pages_and_api_answers_turn_off_powerful_features(self) -> None:
        for url in ("/", "/login/", f"{API}/sites/", "/no-such-page/"):
            policy = self.client.get(url)["Permissions-Policy"]
            for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
                self.assertIn(feature, policy, url)

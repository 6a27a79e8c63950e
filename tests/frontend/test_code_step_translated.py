"""The code step of the booking flow (frontend/verify.py) speaks each shipped language."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from tests.frontend.helpers import SHIPPED, FlowTestCase, details_data

ENGLISH = ["We sent a 6-digit code", "Your booking is confirmed when", "Confirm my booking"]


class CodeStepTranslatedTest(FlowTestCase):
    def test_every_language_but_english_has_its_own_words(self) -> None:
        for i, code in enumerate(SHIPPED):
            with self.subTest(code):
                client = Client()
                client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
                hold = self.hold(client)
                response = client.post(
                    f"/book/details/{hold.reference}/",
                    details_data(hold.display_reference, phone=f"090-5555-100{i}"),
                    follow=True,
                )
                hold.delete()  # the time is free for the next language
                self.assertContains(response, f"090-****-100{i}")
                for text in ENGLISH:
                    if code == "en":
                        self.assertContains(response, text)
                    else:
                        self.assertNotContains(response, text)

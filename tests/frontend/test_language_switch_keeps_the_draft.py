"""The details page's language switcher posts her form: it is kept in her session and filled
in again in the new language; someone else's hold is a 404."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from tests.frontend.helpers import FlowTestCase, details_data


class LanguageSwitchKeepsTheDraftTest(FlowTestCase):
    def test_the_form_comes_back_filled_in_the_new_language(self) -> None:
        hold = self.hold()
        data = details_data(hold.display_reference, weeks="14", due_date="", language="en")
        response = self.client.post(f"/book/details/{hold.reference}/language/", data)
        self.assertRedirects(
            response, f"/book/details/{hold.reference}/", fetch_redirect_response=False
        )
        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "en")
        page = self.client.get(f"/book/details/{hold.reference}/")
        self.assertContains(page, "Your details")
        self.assertContains(page, 'value="山田 花子"')
        self.assertContains(page, 'value="14"')
        # The page's old default language is not taken for her choice.
        self.assertContains(page, '<option value="en" selected>')

    def test_another_session_cannot_post_to_her_hold(self) -> None:
        hold = self.hold()
        response = Client().post(
            f"/book/details/{hold.reference}/language/",
            details_data(hold.display_reference, language="en"),
        )
        self.assertEqual(response.status_code, 404)

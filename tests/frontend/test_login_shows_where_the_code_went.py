"""Issue 14 item 1: after she asked for a code, /login/ and the code page's own "use another
number or email" sent her back to the code page, and nothing said where the code went. Now the
code page shows the masked destination and both lead back to an empty form."""

from __future__ import annotations

from tests.base import BaseTestCase

CONFIRM = "/accounts/login/code/confirm/"


class LoginShowsWhereTheCodeWentTest(BaseTestCase):
    def test_the_code_page_names_the_masked_number(self) -> None:
        self.client.post("/login/", {"login": "090-1111-2222"})
        page = self.client.get(CONFIRM, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, "090-****-2222")
        self.assertNotContains(page, "1111")

    def test_the_code_page_names_the_masked_address(self) -> None:
        self.client.post("/login/", {"login": "hanako@example.jp"})
        page = self.client.get(CONFIRM, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, "h…@example.jp")
        self.assertNotContains(page, "hanako@")

    def test_use_another_number_opens_an_empty_form(self) -> None:
        self.client.post("/login/", {"login": "090-1111-2223"})
        page = self.client.get(CONFIRM, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, 'href="/login/"')
        response = self.client.get("/login/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="login"')
        # …and the right number then gets its code.
        response = self.client.post("/login/", {"login": "090-1111-2222"})
        self.assertRedirects(response, CONFIRM, fetch_redirect_response=False)
        self.assertContains(self.client.get(CONFIRM), "090-****-2222")

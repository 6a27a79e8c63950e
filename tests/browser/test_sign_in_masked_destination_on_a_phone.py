"""Issue 14 item 1 on a phone (390 × 844): after asking for a code she sees where it went, masked,
and "use another number or email" lets her correct a mistyped number."""

from __future__ import annotations

from tests.browser.helpers import BrowserTestCase


class SignInMaskedDestinationTest(BrowserTestCase):
    def test_she_sees_where_the_code_went_and_can_fix_a_mistyped_number(self) -> None:
        page = self.page
        page.goto("/login/")
        page.locator('input[name="login"]').fill("090-1111-2223")  # one digit wrong
        page.locator('form:has(input[name="login"]) button[type="submit"]').click()
        page.wait_for_url("**/accounts/login/code/confirm/")
        page.get_by_text("090-****-2223", exact=False).wait_for()
        self.shot("code-page-wrong-number")
        page.get_by_role("link", name="別の番号・メールアドレスを使う").click()
        page.wait_for_url("**/login/")
        self.assertEqual(page.locator('input[name="login"]').input_value(), "")
        page.locator('input[name="login"]').fill("090-1111-2222")
        page.locator('form:has(input[name="login"]) button[type="submit"]').click()
        page.wait_for_url("**/accounts/login/code/confirm/")
        page.get_by_text("090-****-2222", exact=False).wait_for()
        self.shot("code-page-right-number")
        self.assertEqual(len(self.sms_texts), 1)  # the mistyped number has no account: no SMS
        width = page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(width, 390)

"""Without JavaScript, on a phone (Chromium, java_script_enabled=False, 390×844), she answers
her 8th-month questionnaire from "My bookings": a yes shows the follow-up question only after a
round trip to the server ("Next"), she saves, comes back to her answers, is told of a required
question that her answer has just brought in, and sends.

Why a first attempt hung: it ran the page checks (tests/browser/page_checks.py) in the no-JS
page. With JavaScript disabled, page.evaluate still runs, but a Promise that waits on a timer
never settles (Chromium runs no timers there), and axe.run waits on setTimeout; evaluate has no
timeout of its own, so the run waited for ever. Here each page's HTML, as the browser rendered
it without JavaScript, is checked (axe, tap targets, sideways scroll) in a second page that has
JavaScript, its scripts removed; and every other wait is bounded (default and navigation
timeouts, each submit waited for as a navigation with its own timeout), so a page that needed
JavaScript would fail here in seconds."""

from __future__ import annotations

import re

from scheduling.questionnaire_models import QuestionnaireResponse
from tests.browser.helpers import PHONE, BrowserTestCase
from tests.browser.page_checks import page_findings
from tests.questionnaires.helpers import eighth_month_sheet

WAIT_MS = 10_000
URL = "**/questionnaires/questionnaire-8m/"


class QuestionnaireWithoutJavaScriptTest(BrowserTestCase):
    java_script = False

    def setUp(self) -> None:
        super().setUp()
        self.s = eighth_month_sheet(self.w)
        self.sign_in(self.w.hanako.user)
        self.page.set_default_timeout(WAIT_MS)
        self.page.set_default_navigation_timeout(WAIT_MS)
        self.checker = self.browser.new_context(viewport=PHONE, java_script_enabled=True)
        self.addCleanup(self.checker.close)

    def check(self, name: str) -> None:
        """The page as rendered without JavaScript, checked where checks can run (see above)."""
        self.shot(name)
        html = re.sub(r"<script\b.*?</script>", "", self.page.content(), flags=re.S)
        html = html.replace("<head>", f'<head><base href="{self.live_server_url}/">', 1)
        page = self.checker.new_page()
        page.set_default_timeout(WAIT_MS)
        page.set_content(html, wait_until="load", timeout=WAIT_MS)
        # The site's stylesheet applied (else the target and overflow checks mean nothing):
        # the browser's default body margin is 8px.
        margin = page.evaluate("() => getComputedStyle(document.body).marginTop")
        self.assertNotEqual(margin, "8px", "the stylesheet did not load")
        findings = page_findings(page)
        page.close()
        self.assertEqual(findings, [], name)

    def press(self, name: str) -> None:
        """Submit the form with one of its buttons and wait for the page it loads: a POST that
        answers at the same address, or a redirect, both end in a new document."""
        with self.page.expect_navigation(timeout=WAIT_MS, wait_until="load"):
            self.page.get_by_role("button", name=name).click(timeout=WAIT_MS)

    def test_she_answers_saves_comes_back_and_sends(self) -> None:
        page = self.page
        page.goto("/bookings/", wait_until="load")
        with page.expect_navigation(timeout=WAIT_MS):
            page.get_by_role("link", name="アンケートに回答する").click()
        page.wait_for_url(URL, timeout=WAIT_MS)
        self.check("first")
        self.assertEqual(page.get_by_label("内容を教えてください").count(), 0)
        page.get_by_label("はい").first.check()
        self.press("次へ")  # the server shows question 2 now that 1 is はい
        what = page.get_by_label("内容を教えてください")
        self.assertEqual(what.count(), 1)
        what.fill("夜眠れません")
        self.check("after-next")
        self.press("保存してあとで続ける")
        page.wait_for_url(URL, timeout=WAIT_MS)
        page.get_by_text("保存しました").first.wait_for(timeout=WAIT_MS)
        response = QuestionnaireResponse.objects.get(pregnancy=self.w.hanako_pregnancy)
        self.assertEqual(response.status, "draft")
        page.goto("/bookings/", wait_until="load")
        page.goto("/questionnaires/questionnaire-8m/", wait_until="load")
        self.assertEqual(page.get_by_label("内容を教えてください").input_value(), "夜眠れません")
        page.get_by_label("眠れない").check()
        self.press("回答を送信する")
        # 眠れない brings in question 4 (required, empty): she is told, nothing is sent yet.
        page.get_by_text("この質問に回答してください。").first.wait_for(timeout=WAIT_MS)
        self.check("missing")
        response.refresh_from_db()
        self.assertEqual(response.status, "draft")
        page.locator(f'input[name="q{self.s.long.pk}"][value="{self.s.long_no.pk}"]').check()
        self.press("回答を送信する")
        page.wait_for_url("**/bookings/**", timeout=WAIT_MS)
        page.get_by_text("ありがとうございました。回答を送信しました。").first.wait_for(
            timeout=WAIT_MS
        )
        self.check("sent")
        response.refresh_from_db()
        self.assertEqual((response.status, response.answers.count()), ("submitted", 4))

"""On a phone (390×844) she answers her 8th-month questionnaire
from "My bookings": a yes shows the follow-up question after "Next", she saves and comes back,
then sends it; each page passes axe, has large enough targets and no sideways scrolling.
(Without JavaScript the same flow is tests/questionnaires/test_answering_without_javascript.py,
through the test client.)"""

from __future__ import annotations

from scheduling.questionnaire_models import QuestionnaireResponse
from tests.browser.helpers import BrowserTestCase
from tests.browser.page_checks import page_findings
from tests.questionnaires.helpers import eighth_month_sheet


class QuestionnaireOnAPhoneTest(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.s = eighth_month_sheet(self.w)
        self.sign_in(self.w.hanako.user)

    def check(self, name: str) -> None:
        self.shot(name)
        self.assertEqual(page_findings(self.page), [], name)

    def test_she_answers_saves_comes_back_and_sends(self) -> None:
        page = self.page
        page.goto("/bookings/")
        page.get_by_role("link", name="アンケートに回答する").click()
        page.wait_for_url("**/questionnaires/questionnaire-8m/")
        self.check("first")
        self.assertEqual(page.get_by_text("内容を教えてください").count(), 0)
        page.get_by_label("はい").first.check()
        page.get_by_role("button", name="次へ").click()
        page.get_by_label("内容を教えてください").fill("夜眠れません")
        self.check("after-next")
        page.get_by_role("button", name="保存してあとで続ける").click()
        page.goto("/bookings/")
        page.goto("/questionnaires/questionnaire-8m/")
        self.assertEqual(page.get_by_label("内容を教えてください").input_value(), "夜眠れません")
        page.get_by_label("眠れない").check()
        page.get_by_role("button", name="回答を送信する").click()
        # 4 (2週間以上…) now shows, required and empty: she is told, nothing is sent yet.
        page.get_by_text("この質問に回答してください。").first.wait_for()
        self.check("missing")
        page.locator(f'input[name="q{self.s.long.pk}"][value="{self.s.long_no.pk}"]').check()
        page.get_by_role("button", name="回答を送信する").click()
        page.wait_for_url("**/bookings/**")
        page.get_by_text("ありがとうございました。回答を送信しました。").first.wait_for()
        response = QuestionnaireResponse.objects.get(pregnancy=self.w.hanako_pregnancy)
        self.assertEqual((response.status, response.answers.count()), ("submitted", 4))

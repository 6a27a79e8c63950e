"""In Chromium: a long site name on the dashboard's bar charts is shown whole (wrapped, never cut
to 16 characters) and starts inside the chart (never clipped off its left edge), on a desktop
and on a phone."""

from __future__ import annotations

from typing import Any

from tests.browser.staff.helpers import StaffBrowserTestCase

LONG_NAME = "葛飾区子ども家庭総合支援センター東金町分室（旧東金町保健センター）"
LONG_LATIN = "Katsushika Children and Families Support Centre, Higashi-Kanamachi Annex"


class DashboardChartLabelsTest(StaffBrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.w.aoto.name = LONG_NAME
        self.w.aoto.save()
        self.w.eki.name = LONG_LATIN
        self.w.eki.save()
        self.sign_in(self.w.admin_abe)

    def labels(self) -> list[dict[str, Any]]:
        self.open("/staff/dashboard/")
        return self.page.evaluate(
            """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
                 const box = svg.viewBox.baseVal;
                 return [...svg.querySelectorAll('text.label')].map(t => {
                   const b = t.getBBox();
                   return {text: t.textContent, x: b.x, right: b.x + b.width, width: box.width};
                 });
               })"""
        )

    def check(self) -> None:
        labels = self.labels()
        texts = [label["text"].replace(" ", "") for label in labels]
        self.assertIn(LONG_NAME, texts)
        self.assertIn(LONG_LATIN.replace(" ", ""), texts)
        for label in labels:
            self.assertGreaterEqual(label["x"], 0, f"clipped on the left: {label['text']}")
            self.assertLessEqual(label["right"], label["width"], label["text"])

    def test_long_site_names_are_whole_and_inside_the_chart_on_a_desktop(self) -> None:
        self.page.set_viewport_size({"width": 1280, "height": 900})
        self.check()

    def test_long_site_names_are_whole_and_inside_the_chart_on_a_phone(self) -> None:
        self.page.set_viewport_size({"width": 390, "height": 844})
        self.check()

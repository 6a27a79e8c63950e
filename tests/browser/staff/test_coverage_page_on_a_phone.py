"""In Chromium on a phone (390×844), the coverage page with the hand-computed fixture of
tests/coverage (per site: three tables and three charts) passes axe, has large enough targets
and does not scroll sideways (its wide tables scroll inside their own regions)."""

from __future__ import annotations

from tests.browser.page_checks import page_findings
from tests.browser.staff.helpers import StaffBrowserTestCase
from tests.coverage.fixture import build


class CoveragePageOnAPhoneTest(StaffBrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        build(self.w)
        self.sign_in(self.w.admin_abe)
        self.page.set_viewport_size({"width": 390, "height": 844})
        # Bounded, with room for a machine shared by other test runs.
        self.page.set_default_timeout(30_000)
        self.page.set_default_navigation_timeout(30_000)

    def test_the_page_is_usable_on_a_phone(self) -> None:
        self.open("/staff/dashboard/coverage/?month_from=2026-10&month_to=2026-11&by=site")
        self.page.get_by_role("heading", name="Questionnaire response rate").wait_for()
        self.assertEqual(self.page.locator("svg.chart").count(), 3)
        self.assertEqual(page_findings(self.page), [])

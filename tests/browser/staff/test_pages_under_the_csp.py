"""The pages work under their Content-Security-Policy (issue 11, finding 10): Chromium reports
no violation on the resident pages (with htmx bringing in a day's times), the staff portal, the
configuration history, the API documentation and the Django admin. A violation is caught by a
`securitypolicyviolation` listener the browser installs before any page script runs."""

from __future__ import annotations

from scheduling.models import User

from .helpers import StaffBrowserTestCase

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


class PagesUnderTheCspTest(StaffBrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.context.add_init_script(LISTEN)

    def violations(self, path: str) -> list[str]:
        self.open(path)
        self.page.wait_for_load_state("networkidle")
        return [f"{path}: {v}" for v in self.page.evaluate("() => window.__csp")]

    def test_resident_pages_and_htmx(self) -> None:
        found: list[str] = []
        for path in ("/", "/book/", "/login/", "/book/day/2026-12-03/?site=any"):
            found += self.violations(path)
        self.open("/book/calendar/?site=any")
        self.page.locator("td.day-free a").first.click()
        self.page.locator("#times form, #times button").first.wait_for()
        found += [f"calendar+htmx: {v}" for v in self.page.evaluate("() => window.__csp")]
        self.assertEqual(found, [])

    def test_staff_pages(self) -> None:
        self.sign_in(self.w.admin_abe)
        found: list[str] = []
        for path in (
            "/staff/day/",
            "/staff/dashboard/",
            "/staff/availability/",
            "/staff/config/",
            "/staff/config/history/",
            "/staff/config/messages/",
            "/calendar/settings/",
        ):
            found += self.violations(path)
        self.assertEqual(found, [])

    def test_api_docs_and_the_admin(self) -> None:
        root = User.objects.create_superuser(email="root@example.jp", password="x")
        self.sign_in(root)
        found: list[str] = []
        for path in ("/api/v1/docs/", "/api/v1/redoc/", "/admin/", "/admin/scheduling/site/"):
            found += self.violations(path)
        # Redoc's "powered by" logo from its vendor's host is the one thing refused, rightly.
        found = [v for v in found if " img-src https://cdn.redoc.ly/" not in v]
        self.assertEqual(found, [])
        self.open("/api/v1/docs/")
        self.page.locator(".opblock").first.wait_for()  # Swagger UI rendered the operations

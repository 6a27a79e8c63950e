"""The calendar and day pages load in a fixed number of queries, whatever the range or sites."""

from __future__ import annotations

from tests.frontend.helpers import DAY, FlowTestCase

# municipality, interview type, sites, then availability's three.
CALENDAR_QUERIES = 6


class PageQueriesTest(FlowTestCase):
    def test_the_month_for_one_site_or_all_costs_the_same(self) -> None:
        for query in ("?site=aoto", "?site=any", "?site=any&month=2027-01"):
            with self.assertNumQueries(CALENDAR_QUERIES):
                self.assertEqual(self.client.get(f"/book/calendar/{query}").status_code, 200)

    def test_the_day_costs_the_same(self) -> None:
        for query in ("?site=aoto", "?site=any"):
            with self.assertNumQueries(CALENDAR_QUERIES):
                self.assertEqual(self.client.get(f"/book/day/{DAY}/{query}").status_code, 200)

    def test_the_where_page_looks_further_ahead_only_once(self) -> None:
        # This week for every site, then once more for the sites with nothing this week
        # (えきにこわ: four days' notice): two availability loads, never one per site.
        with self.assertNumQueries(CALENDAR_QUERIES + 3):
            response = self.client.get("/book/")
        self.assertContains(response, "12月11日(金) 17:00")

    def test_htmx_gets_only_the_times(self) -> None:
        response = self.client.get(f"/book/day/{DAY}/?site=aoto", HTTP_HX_REQUEST="true")
        self.assertNotContains(response, "<html")
        self.assertContains(response, 'id="times-title"')

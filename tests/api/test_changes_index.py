"""The `updated_since` walk reads bookings through the (updated_at, id) index, and a page costs
the same number of queries however many bookings changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scheduling.services import booking_create
from tests.base import NOW, _resident, is_postgres, require_postgres, tokyo

from .helpers import API, ApiTestCase, token_for

INDEX = "booking_updated_at_id"


class ChangesPageQueriesTest(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client = self.client_for(token_for(self.w.katsushika))
        self.since = (timezone.now() - dt.timedelta(hours=1)).isoformat()

    def book(self, days: list[int]) -> None:
        for day in days:
            booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=tokyo(2026, 12, day, 10),
                pregnancy=_resident(
                    self.w.katsushika, f"c{day}@example.jp", f"+8190444400{day:02d}", f"c{day}"
                )[1],
                now=NOW,
            )

    def page(self) -> tuple[dict, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(
                f"{API}/bookings/", {"updated_since": self.since, "limit": "2"}
            )
        self.assertEqual(response.status_code, 200, response.content[:300])
        return response.json(), [q["sql"] for q in queries.captured_queries]

    def test_a_page_costs_the_same_queries_for_two_or_six_changed_bookings(self) -> None:
        self.book([3, 4])
        self.page()  # the token's last use is written at most once a minute: not a page's cost
        _body, few = self.page()
        self.book([7, 8, 9, 10])
        body, many = self.page()
        self.assertEqual(body["count"], 6)
        # The token, her sites, the count, the page.
        self.assertEqual(len(few), 4, "\n".join(few))
        self.assertEqual(len(many), len(few), "\n".join(many))

    @pytest.mark.postgres
    def test_the_page_query_can_use_the_index(self) -> None:
        require_postgres()
        self.book([3, 4, 7])
        _body, sqls = self.page()
        (page_sql,) = [q for q in sqls if "ORDER BY" in q and '"updated_at"' in q]
        with connection.cursor() as cursor:
            # A test database is tiny, so the planner would scan it whole; with scans made
            # expensive it must show that the index answers this query at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
            # ... and so are the other ways to the rows (a bitmap over the site index, then a
            # sort): after other tests' rows the planner's statistics can make those look
            # cheaper, which made this test fail depending on what ran before it. Only the
            # index gives the page's order without a sort.
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + page_sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        self.assertIn(INDEX, plan)

    def test_the_index_exists(self) -> None:
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, "scheduling_booking")
        self.assertIn(INDEX, constraints)
        self.assertEqual(constraints[INDEX]["columns"], ["updated_at", "id"])
        if is_postgres():
            self.assertTrue(constraints[INDEX]["index"])

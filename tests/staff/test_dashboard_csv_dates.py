"""The dashboard CSV's 次の空き枠 (next free slot) is a plain local date and time that Excel reads
as a date ("2026-12-02 09:00"), not ISO text with a T and an offset."""

from __future__ import annotations

import csv
import io
import re

from django.urls import reverse

from tests.staff.helpers import StaffTestCase

EXCEL_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


class DashboardCsvDatesTest(StaffTestCase):
    def rows(self) -> list[list[str]]:
        self.sign_in(self.w.manager_mori)
        response = self.client.get(
            reverse("staff:dashboard_csv"),
            {"period": "week", "table": "sites"},
            HTTP_ACCEPT_LANGUAGE="ja",
        )
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    def test_the_next_free_slot_is_a_local_date_and_time_excel_reads(self) -> None:
        rows = self.rows()
        column = rows[0].index("次の空き枠")
        aoto = next(r for r in rows if r[0] == "青戸保健センター")
        self.assertRegex(aoto[column], EXCEL_DATETIME)
        # Residents need 24 hours' notice from Tuesday 09:00: Wednesday 09:00, Tokyo time.
        self.assertEqual(aoto[column], "2026-12-02 09:00")

    def test_no_cell_carries_an_iso_t_or_offset(self) -> None:
        for row in self.rows():
            for cell in row:
                self.assertNotRegex(cell, r"\d{2}T\d{2}:|[+-]\d{2}:\d{2}$")


class DashboardTableDatesTest(StaffTestCase):
    def test_the_page_table_shows_the_next_free_slot_as_a_plain_date_and_time(self) -> None:
        self.sign_in(self.w.manager_mori)
        response = self.client.get(reverse("staff:dashboard"), {"period": "week"})
        self.assertContains(response, "<td>2026-12-02 09:00</td>")
        self.assertNotContains(response, "T09:00+09:00")

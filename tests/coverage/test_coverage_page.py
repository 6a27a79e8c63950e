"""The coverage page (/staff/dashboard/coverage/) shows each figure of tests/coverage/fixture.py
as a table, a chart and a CSV, per site or district, in a fixed number of queries."""

from __future__ import annotations

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling.models import Booking
from scheduling.notification_import import notifications_import_file
from scheduling.services import booking_create
from tests.base import tokyo
from tests.notifications_in.helpers import export, row
from tests.staff.helpers import StaffTestCase

from .fixture import build

URL = reverse("staff:coverage")
QUERY = {"month_from": "2026-10", "month_to": "2026-11"}


class CoveragePageTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sheet, self.p = build(self.w)
        self.sign_in(self.w.admin_abe)

    def csv(self, **params: str) -> list[list[str]]:
        response = self.client.get(
            URL, {**QUERY, "format": "csv", **params}, HTTP_ACCEPT_LANGUAGE="en"
        )
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    def test_the_page_has_the_three_figures_each_with_table_chart_and_csv_link(self) -> None:
        page = self.client.get(URL, {**QUERY, "by": "site"}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(page.status_code, 200)
        for heading in ("h-notified", "h-contacts-months", "h-answers"):
            self.assertContains(page, f'aria-labelledby="{heading}"')
        self.assertContains(page, "<svg", count=3)
        self.assertContains(page, "table=contacts")
        self.assertContains(page, "table=questionnaires")
        # Aiko at 青戸: the October row of ゆりかご面接 per site (100 %).
        self.assertContains(page, "<td>青戸保健センター</td><td>1</td><td>1</td>", html=False)

    def test_the_contact_csv_per_site(self) -> None:
        rows = self.csv(by="site", table="contacts")
        self.assertEqual(
            rows[0],
            [
                "Contact",
                "Month it fell due",
                "Site",
                "Eligible",
                "Done",
                "Done %",
                "Median days from due to done",
                "90th percentile days from due to done",
            ],
        )
        # As derived in test_coverage_figures_by_hand.py.
        self.assertEqual(rows[1], ["ゆりかご面接", "2026-10", "All", "4", "2", "50.0", "7.0", "14"])
        self.assertEqual(rows[2], ["ゆりかご面接", "2026-10", "None", "2", "1", "50.0", "0.0", "0"])
        self.assertEqual(
            rows[3], ["ゆりかご面接", "2026-10", "にこわ新小岩", "1", "0", "0.0", "", ""]
        )

    def test_the_questionnaire_csv_per_district(self) -> None:
        rows = self.csv(by="district", table="questionnaires")
        self.assertEqual(
            rows,
            [
                [
                    "Contact",
                    "Month it fell due",
                    "District",
                    "Eligible",
                    "Answered",
                    "Started, not sent",
                    "Response rate %",
                ],
                ["妊娠8か月アンケート", "2026-10", "All", "2", "1", "1", "50.0"],
                ["妊娠8か月アンケート", "2026-10", "亀有", "1", "1", "0", "100.0"],
                ["妊娠8か月アンケート", "2026-10", "金町", "1", "0", "1", "0.0"],
                ["妊娠8か月アンケート", "2026-11", "All", "2", "1", "0", "50.0"],
                ["妊娠8か月アンケート", "2026-11", "None", "1", "0", "0", "0.0"],
                ["妊娠8か月アンケート", "2026-11", "亀有", "1", "1", "0", "100.0"],
            ],
        )

    def test_the_notification_csv_per_site(self) -> None:
        rows = self.csv(by="site")
        self.assertEqual(rows[0][:2], ["Month of notification", "Site"])
        self.assertEqual(rows[1], ["2026-10", "All", "4", "2", "50.0", "7.0", "14", "1"])
        self.assertEqual(
            rows[4], ["2026-10", "青戸保健センター", "1", "1", "100.0", "14.0", "14", "0"]
        )

    def test_a_bad_filter_is_a_clear_message_not_an_error(self) -> None:
        page = self.client.get(URL, {"month_from": "2026-13", "by": "site"})
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "<svg")

    def page_queries(self) -> int:
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.client.get(URL, {**QUERY, "by": "site"}).status_code, 200)
        return len(captured)

    def test_the_page_takes_the_same_number_of_queries_with_more_people(self) -> None:
        self.page_queries()  # the first request of a session saves it: not the page's
        before = self.page_queries()
        rows = [
            row(f"X{n}", 届出日="2026-10-03", 地区="新小岩", 電話番号=f"080-3000-{n:04d}")
            for n in range(12)
        ]
        notifications_import_file(municipality=self.w.katsushika, data=export(rows).encode())
        first = self.w.katsushika.contacts.get(code="yurikago")
        for n, pregnancy in enumerate(
            self.w.katsushika.pregnancy_notifications.filter(record_key__startswith="X")[:3]
        ):
            booking = booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=tokyo(2026, 10, 20 + n, 10),
                pregnancy=pregnancy.pregnancy,
                contact=first,
                now=tokyo(2026, 10, 5, 9),
            )
            Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.ATTENDED)
        self.assertEqual(self.page_queries(), before)

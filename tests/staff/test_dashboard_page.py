"""The manager's dashboard page: figures for her sites, the previous period, SVG charts with
tables, CSV with a BOM, a fixed number of queries."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from frontend.staff.views_dashboard import period_bounds
from scheduling.models import Booking
from scheduling.services import booking_create
from tests.base import NOW, tokyo
from tests.staff.helpers import StaffTestCase


class DashboardPageTest(StaffTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.w
        booking = booking_create(
            site=w.aoto,
            interview_type=w.itype,
            start=tokyo(2026, 12, 1, 13),
            pregnancy=w.hanako_pregnancy,
            staff=True,
            channel=Booking.Channel.STAFF,
            now=NOW,
        )
        Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.ATTENDED)
        booking_create(
            site=w.niccowa,
            interview_type=w.itype,
            start=tokyo(2026, 12, 2, 10),
            pregnancy=w.mei_pregnancy,
            now=NOW,
        )

    def test_a_manager_sees_her_sites_only(self) -> None:
        self.sign_in(self.w.manager_mori)
        response = self.client.get(reverse("staff:dashboard"), {"period": "day"})
        self.assertContains(response, "青戸保健センター")
        self.assertNotContains(response, "にこわ新小岩")
        self.assertContains(response, "<svg", count=4)  # per site, channels, lead time, weeks
        self.assertContains(response, "<table")

    def test_an_administrator_sees_every_site_of_her_municipality(self) -> None:
        self.sign_in(self.w.admin_abe)
        response = self.client.get(reverse("staff:dashboard"), {"period": "week"})
        self.assertContains(response, "にこわ新小岩")
        self.assertContains(response, "2026-11-23")  # the previous week is compared

    def test_the_period_bounds_and_the_one_before(self) -> None:
        d = NOW.date()
        self.assertEqual(period_bounds("day", d)[::2], (d, d.replace(day=30, month=11)))
        self.assertEqual(
            [x.isoformat() for x in period_bounds("week", d)],
            ["2026-11-30", "2026-12-06", "2026-11-23", "2026-11-29"],
        )
        self.assertEqual(
            [x.isoformat() for x in period_bounds("month", d)],
            ["2026-12-01", "2026-12-31", "2026-11-01", "2026-11-30"],
        )
        self.assertEqual(
            [x.isoformat() for x in period_bounds("year", d)],
            ["2026-01-01", "2026-12-31", "2025-01-01", "2025-12-31"],
        )

    def test_csv_is_utf8_with_a_bom_and_the_same_numbers(self) -> None:
        self.sign_in(self.w.manager_mori)
        response = self.client.get(
            reverse("staff:dashboard_csv"), {"period": "day", "table": "sites"}
        )
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        body = response.content
        self.assertTrue(body.startswith("\ufeff".encode()))
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        self.assertEqual(rows[1][0], "青戸保健センター")
        self.assertEqual(rows[1][1], "24")  # 2 nurses, 2 rooms, 12 slots each
        self.assertEqual(rows[1][3], "1")  # one booked
        for table in ["days", "lead_time", "gestation", "previous_sites"]:
            response = self.client.get(reverse("staff:dashboard_csv"), {"table": table})
            self.assertEqual(response.status_code, 200, table)
        self.assertEqual(
            self.client.get(reverse("staff:dashboard_csv"), {"table": "nope"}).status_code, 404
        )

    def test_bad_parameters_fall_back_to_this_week(self) -> None:
        self.sign_in(self.w.admin_abe)
        response = self.client.get(
            reverse("staff:dashboard"), {"period": "century", "date": "tomorrow"}
        )
        self.assertEqual(response.status_code, 200)

    def test_the_dashboard_uses_a_fixed_number_of_queries(self) -> None:
        self.sign_in(self.w.admin_abe)
        self.client.get(reverse("staff:dashboard"))
        # 29 (the engine reads three times since issue 19), five for the contacts' figures
        # (scheduling/reports/contacts.py), one count of the places refilled from the
        # waitlist, and one for delivery by channel (issue 18).
        with self.assertNumQueries(36):
            self.client.get(reverse("staff:dashboard"), {"period": "day"})
        # A month of figures (and its previous month) costs the same as a day. (A period with
        # no working hours at all costs two fewer: Django skips queries on empty id lists.)
        with self.assertNumQueries(36):
            self.client.get(reverse("staff:dashboard"), {"period": "month"})

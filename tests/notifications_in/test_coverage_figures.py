"""Coverage of pregnancy notifications (面談実施率, issue 16 item 5), checked against a fixture
computed by hand: per month of notification and district, notified, interviewed, the rate, the
median and 90th percentile of days from notification to interview, and who is still unreached
four weeks on; the same figures in the page's table, its CSV and its chart."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.urls import reverse

from scheduling.contact_models import Contact, PregnancyContact
from scheduling.followup_services import follow_up_attempt_record
from scheduling.models import Booking, Pregnancy
from scheduling.notification_import import notifications_import_file
from scheduling.reports.notification_coverage import notification_coverage
from scheduling.services import booking_create
from tests.base import NOW, TOKYO, tokyo
from tests.staff.helpers import StaffTestCase

from .helpers import export, row

URL = reverse("staff:coverage")


class CoverageFiguresTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        rows = [
            row("O1", 届出日="2026-10-01", 地区="亀有", 電話番号="080-1000-0001"),
            row("O2", 届出日="2026-10-05", 地区="亀有", 電話番号="080-1000-0002"),
            row("O3", 届出日="2026-10-10", 地区="亀有", 電話番号="080-1000-0003"),
            row("O4", 届出日="2026-10-20", 地区="金町", 電話番号="080-1000-0004"),
            row("N1", 届出日="2026-11-02", 地区="金町", 電話番号="080-1000-0005"),
            row("N2", 届出日="2026-11-20", 地区="亀有", 電話番号="080-1000-0006"),
            row("N3", 届出日="2026-11-01", 地区="金町", 電話番号="080-1000-0007"),
        ]
        data = export(rows).encode()
        self.assertFalse(
            notifications_import_file(municipality=self.w.katsushika, data=data).refused
        )
        p = {
            x.notification.record_key: x
            for x in Pregnancy.objects.filter(notification__isnull=False).select_related(
                "notification"
            )
        }
        # O1: interviewed on 10-15 (14 days); N1: on 11-30 (28 days).
        self.attended(p["O1"], tokyo(2026, 10, 15, 10), tokyo(2026, 10, 2, 9))
        self.attended(p["N1"], tokyo(2026, 11, 30, 10), tokyo(2026, 11, 20, 9))
        # O2: seen at the counter the day she filed (a home visit contact recorded done): 0 days.
        contact = Contact.objects.create(
            municipality=self.w.katsushika,
            code="at-notification",
            name="妊娠届出時面談",
            kind=Contact.Kind.HOME_VISIT,
            due_basis=Contact.DueBasis.NOTIFICATION,
            needs_booking=False,
        )
        PregnancyContact.objects.create(
            pregnancy=p["O2"], contact=contact, status="done", done_on=dt.date(2026, 10, 5)
        )
        # O3: nothing at all (unreached). O4: reached by phone, will book (not unreached).
        follow_up_attempt_record(
            pregnancy=p["O4"], how="phone", outcome="will_book", by=self.w.nurse_sato.user
        )
        # N3: booked for December (not unreached); N2: notified 11 days ago (too recent).
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 9, 10),
            pregnancy=p["N3"],
            now=NOW,
        )

    def attended(self, pregnancy: Pregnancy, start: object, booked_at: object) -> None:
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=start,  # type: ignore[arg-type]
            pregnancy=pregnancy,
            now=booked_at,  # type: ignore[arg-type]
        )
        Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.ATTENDED)

    def figures(self, by_district: bool) -> list[tuple[object, ...]]:
        report = notification_coverage(
            municipality_ids=[self.w.katsushika.pk],
            month_from=dt.date(2026, 10, 1),
            month_to=dt.date(2026, 11, 1),
            today=NOW.date(),
            now=NOW,
            tz=TOKYO,
            by_district=by_district,
        )
        return [
            (
                r.month.strftime("%Y-%m"),
                r.district,
                r.notified,
                r.interviewed,
                r.rate,
                r.median_days,
                r.p90_days,
                r.unreached,
            )
            for r in report.rows
        ]

    def test_the_monthly_figures_match_the_hand_computed_ones(self) -> None:
        self.assertEqual(
            self.figures(by_district=False),
            [
                ("2026-10", "", 4, 2, 0.5, 7.0, 14, 1),
                ("2026-11", "", 3, 1, 1 / 3, 28.0, 28, 0),
            ],
        )

    def test_the_district_figures_match_too(self) -> None:
        self.assertEqual(
            self.figures(by_district=True),
            [
                ("2026-10", "", 4, 2, 0.5, 7.0, 14, 1),
                ("2026-10", "亀有", 3, 2, 2 / 3, 7.0, 14, 1),
                ("2026-10", "金町", 1, 0, 0.0, None, None, 0),
                ("2026-11", "", 3, 1, 1 / 3, 28.0, 28, 0),
                ("2026-11", "亀有", 1, 0, 0.0, None, None, 0),
                ("2026-11", "金町", 2, 1, 0.5, 28.0, 28, 0),
            ],
        )

    def test_the_page_shows_the_table_and_the_chart_and_the_csv_holds_the_same(self) -> None:
        self.sign_in(self.w.manager_mori)
        query = {"month_from": "2026-10", "month_to": "2026-11", "by": "district"}
        page = self.client.get(URL, query, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, "<svg")
        self.assertContains(page, "<td>50.0 %</td>", html=False)
        response = self.client.get(URL, {**query, "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(
            rows[0],
            [
                "Month of notification",
                "District",
                "Notified",
                "Interviewed",
                "Interview rate %",
                "Median days to interview",
                "90th percentile days to interview",
                "Unreached after 4 weeks",
            ],
        )
        self.assertEqual(rows[1], ["2026-10", "All", "4", "2", "50.0", "7.0", "14", "1"])
        self.assertEqual(rows[2], ["2026-10", "亀有", "3", "2", "66.7", "7.0", "14", "1"])
        self.assertEqual(rows[6], ["2026-11", "金町", "2", "1", "50.0", "28.0", "28", "0"])

    def test_the_report_takes_four_queries_whatever_the_size(self) -> None:
        # notifications, her bookings (with their sites), done records, call-backs
        with self.assertNumQueries(4):
            self.figures(by_district=True)

    def test_the_dashboard_links_to_it(self) -> None:
        self.sign_in(self.w.manager_mori)
        self.assertContains(self.client.get(reverse("staff:dashboard")), f'href="{URL}"')

"""The dashboard's delivery by channel (issue 18), checked against a hand-computed fixture:
per channel sent, delivered, failed and fell back, in the period and at her sites only; one
query for the figures; the table, the chart and the CSV on the manager's dashboard."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Message
from scheduling.models import Booking
from scheduling.reports.delivery import delivery_report
from tests.base import TOKYO, tokyo
from tests.notifications.helpers import NotificationsTestCase
from tests.staff.helpers import sign_in_with_mfa

S = Message.Status
WEEK = (dt.date(2026, 11, 30), dt.date(2026, 12, 6))


class DeliveryByChannelTest(NotificationsTestCase):
    def setUp(self) -> None:
        super().setUp()
        aoto = self.book()
        eki = self.book(
            site=self.w.aoto, start=tokyo(2026, 12, 3, 14), pregnancy=self.w.mei_pregnancy
        )
        eki.site = self.w.eki  # the fixture only needs a booking at another site
        eki.save(update_fields=["site"])
        Message.objects.all().delete()  # only the fixture below counts
        n = iter(range(1000))

        def row(
            booking: Booking,
            channel: str,
            status: str,
            day: int = 2,
            fallback_of: Message | None = None,
        ) -> Message:
            return Message.objects.create(
                booking=booking,
                municipality=self.w.katsushika,
                purpose="reminder",
                occurrence=f"f{next(n)}",
                channel=channel,
                recipient="x",
                status=status,
                send_at=tokyo(2026, 12, day, 9),
                fallback_of=fallback_of,
            )

        # LINE at 青戸: 3 sent, 1 failed (fell back to SMS, which was delivered), 1 skipped
        # (she unfollowed; fell back to SMS, which failed and fell back to email, sent).
        for _ in range(3):
            row(aoto, "line", S.SENT)
        failed_line = row(aoto, "line", S.FAILED)
        row(aoto, "sms", S.DELIVERED, fallback_of=failed_line)
        skipped_line = row(aoto, "line", S.SKIPPED)
        failed_sms = row(aoto, "sms", S.FAILED, fallback_of=skipped_line)
        row(aoto, "email", S.SENT, fallback_of=failed_sms)
        # SMS at 青戸: 2 delivered, 1 sent (no receipt yet), 1 pending (not counted anywhere).
        row(aoto, "sms", S.DELIVERED)
        row(aoto, "sms", S.DELIVERED)
        row(aoto, "sms", S.SENT)
        row(aoto, "sms", S.PENDING)
        # Outside: the week before, and at 駅前 (not chosen when only 青戸 is asked for).
        before = row(aoto, "line", S.SENT)
        Message.objects.filter(pk=before.pk).update(
            send_at=dt.datetime(2026, 11, 29, 23, 59, tzinfo=TOKYO)  # the Sunday before
        )
        row(eki, "email", S.FAILED)

    def test_the_figures_match_the_hand_count(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            report = delivery_report(
                site_ids=[self.w.aoto.pk], date_from=WEEK[0], date_to=WEEK[1], tz=TOKYO
            )
        self.assertEqual(len(queries.captured_queries), 1)
        got = {r.channel: (r.sent, r.delivered, r.failed, r.fell_back) for r in report.rows}
        self.assertEqual(
            got,
            {
                "line": (3, 0, 1, 2),
                "sms": (4, 3, 1, 1),
                "email": (1, 0, 0, 0),
            },
        )
        self.assertEqual([r.channel for r in report.rows], ["line", "sms", "email"])

    def test_both_sites(self) -> None:
        report = delivery_report(
            site_ids=[self.w.aoto.pk, self.w.eki.pk], date_from=WEEK[0], date_to=WEEK[1], tz=TOKYO
        )
        email = next(r for r in report.rows if r.channel == "email")
        self.assertEqual((email.sent, email.failed), (1, 1))

    def test_on_the_dashboard_with_table_chart_and_csv(self) -> None:
        sign_in_with_mfa(self.client, self.w.admin_abe)
        query = {"period": "week", "date": "2026-12-02", "site": str(self.w.aoto.pk)}
        page = self.client.get("/staff/dashboard/", query)
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertIn('id="delivery-title"', html)
        self.assertIn("delivery-chart", html)
        csv_response = self.client.get("/staff/dashboard/csv/", {**query, "table": "delivery"})
        self.assertEqual(csv_response.status_code, 200)
        lines = csv_response.content.decode("utf-8-sig").strip().splitlines()
        self.assertEqual(len(lines), 4)
        self.assertEqual(lines[1].split(",")[1:], ["3", "0", "1", "2"])
        self.assertEqual(lines[2].split(",")[1:], ["4", "3", "1", "1"])

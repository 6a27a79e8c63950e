"""Coverage on the dashboard (issue 16), each figure against the hand-computed fixture of
tests/coverage/fixture.py: the interview rate per contact and month it fell due, per site and
per district, with median and 90th-percentile days; the questionnaire response rate; the
notification coverage per site; and a fixed number of queries. Each expected row is derived in
the comment above it (nearest-rank p90: the ceil(0.9 n)-th smallest)."""

from __future__ import annotations

from django.utils import translation

from scheduling.reports.contact_months import DISTRICT, SITE, ContactMonthReport, contact_months
from scheduling.reports.notification_coverage import notification_coverage
from tests.base import NOW, TOKYO
from tests.staff.helpers import StaffTestCase

from .fixture import NOVEMBER, OCTOBER, build

AOTO, NICCOWA = "青戸保健センター", "にこわ新小岩"
FIRST, SHEET = "ゆりかご面接", "妊娠8か月アンケート"


class CoverageByHandTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sheet, self.p = build(self.w)
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def months(self, group_by: str) -> ContactMonthReport:
        return contact_months(
            municipality_ids=[self.w.katsushika.pk],
            month_from=OCTOBER,
            month_to=NOVEMBER,
            tz=TOKYO,
            group_by=group_by,
        )

    def interview_rows(self, group_by: str) -> list[tuple[object, ...]]:
        return [
            (
                r.contact.name,
                f"{r.month:%m}",
                "All" if r.is_total else r.group,
                r.eligible,
                r.done,
                r.done_pct,
                r.median_days,
                r.p90_days,
            )
            for r in self.months(group_by).rows
        ]

    def test_interview_rate_per_contact_month_and_site(self) -> None:
        self.assertEqual(
            self.interview_rows(SITE),
            [
                # October: Aiko (attended 10-15, 14 d), Aya (recorded done 10-05, 0 d),
                # Chinatsu (booked, not had), Tomoko (nothing): 2 of 4 = 50 %; days [0, 14]:
                # median 7, p90 = ceil(1.8) = 2nd = 14.
                (FIRST, "10", "All", 4, 2, 50.0, 7.0, 14),
                # No booking: Aya (done, 0 d) and Tomoko: 1 of 2.
                (FIRST, "10", "", 2, 1, 50.0, 0.0, 0),
                (FIRST, "10", NICCOWA, 1, 0, 0.0, None, None),  # Chinatsu
                (FIRST, "10", AOTO, 1, 1, 100.0, 14.0, 14),  # Aiko
                # November: Naomi (attended 11-30, 28 d); Noriko "not needed" is not eligible.
                (FIRST, "11", "All", 1, 1, 100.0, 28.0, 28),
                (FIRST, "11", AOTO, 1, 1, 100.0, 28.0, 28),
                # The questionnaire contact is done when she sends it (on NOW, 12-01):
                # October: Megumi (due 10-13, sent: 49 d) of Megumi and Yumi (draft).
                (SHEET, "10", "All", 2, 1, 50.0, 49.0, 49),
                (SHEET, "10", "", 2, 1, 50.0, 49.0, 49),
                # November: Rina (due 11-18, sent: 13 d) of Rina and Hanako (nothing).
                (SHEET, "11", "All", 2, 1, 50.0, 13.0, 13),
                (SHEET, "11", "", 2, 1, 50.0, 13.0, 13),
            ],
        )

    def test_interview_rate_per_contact_month_and_district(self) -> None:
        rows = [r for r in self.interview_rows(DISTRICT) if r[0] == FIRST]
        self.assertEqual(
            rows,
            [
                (FIRST, "10", "All", 4, 2, 50.0, 7.0, 14),
                # 亀有: Aiko (14 d) and Aya (0 d): 2 of 2, median 7, p90 14.
                (FIRST, "10", "亀有", 2, 2, 100.0, 7.0, 14),
                # 金町: Chinatsu and Tomoko: none.
                (FIRST, "10", "金町", 2, 0, 0.0, None, None),
                (FIRST, "11", "All", 1, 1, 100.0, 28.0, 28),
                (FIRST, "11", "金町", 1, 1, 100.0, 28.0, 28),  # Naomi
            ],
        )

    def test_questionnaire_response_rate_per_month_and_district(self) -> None:
        report = self.months(DISTRICT)
        self.assertEqual(
            [c.name for c in report.contacts if c.pk in report.with_questionnaire], [SHEET]
        )
        self.assertEqual(
            [
                (
                    f"{r.month:%m}",
                    "All" if r.is_total else r.group,
                    r.eligible,
                    r.answered,
                    r.started,
                    r.answered_pct,
                )
                for r in report.questionnaire_rows
            ],
            [
                # October: Megumi sent (亀有), Yumi saved a draft (金町): 1 of 2.
                ("10", "All", 2, 1, 1, 50.0),
                ("10", "亀有", 1, 1, 0, 100.0),
                ("10", "金町", 1, 0, 1, 0.0),
                # November: Rina sent (亀有); Hanako has no notification, so no district.
                ("11", "All", 2, 1, 0, 50.0),
                ("11", "", 1, 0, 0, 0.0),
                ("11", "亀有", 1, 1, 0, 100.0),
            ],
        )

    def test_notification_coverage_per_site(self) -> None:
        report = notification_coverage(
            municipality_ids=[self.w.katsushika.pk],
            month_from=OCTOBER,
            month_to=NOVEMBER,
            today=NOW.date(),
            now=NOW,
            tz=TOKYO,
            group_by=SITE,
        )
        self.assertEqual(
            [
                (
                    f"{r.month:%m}",
                    r.district,
                    r.notified,
                    r.interviewed,
                    r.rate,
                    r.median_days,
                    r.p90_days,
                    r.unreached,
                )
                for r in report.rows
            ],
            [
                # October: 4 notified, Aiko (14 d) and Aya (0 d) interviewed; Tomoko unreached
                # (notified 10-20, no booking, no call-back; Chinatsu has a booking).
                ("10", "", 4, 2, 0.5, 7.0, 14, 1),
                ("10", "None", 2, 1, 0.5, 0.0, 0, 1),  # Aya, Tomoko: no booking
                ("10", NICCOWA, 1, 0, 0.0, None, None, 0),  # Chinatsu
                ("10", AOTO, 1, 1, 1.0, 14.0, 14, 0),  # Aiko
                # November: Naomi (28 d) and Noriko (11-20: too recent to be unreached).
                ("11", "", 2, 1, 0.5, 28.0, 28, 0),
                ("11", "None", 1, 0, 0.0, None, None, 0),
                ("11", AOTO, 1, 1, 1.0, 28.0, 28, 0),
            ],
        )

    def test_a_fixed_number_of_queries(self) -> None:
        # contacts, pregnancies, records, bookings, site names, districts, responses
        with self.assertNumQueries(7):
            self.months(DISTRICT)
        with self.assertNumQueries(6):  # no districts to read
            self.months(SITE)
        with self.assertNumQueries(4):  # notifications, bookings, done records, call-backs
            notification_coverage(
                municipality_ids=[self.w.katsushika.pk],
                month_from=OCTOBER,
                month_to=NOVEMBER,
                today=NOW.date(),
                now=NOW,
                tz=TOKYO,
                group_by=SITE,
            )

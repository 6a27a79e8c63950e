"""The nurses' follow-up list (フォロー一覧, issue 16): notified and not booked after N days, and
missed interviews with no later booking, oldest first with their age in days; per site (missed)
or district (both); in a fixed number of queries; each resident shown is access-logged."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling.models import AccessLog, Booking, Pregnancy
from scheduling.notification_import import notifications_import_file
from scheduling.services import booking_create
from scheduling.worklist import follow_up_list
from tests.base import NOW, TOKYO, tokyo
from tests.staff.helpers import StaffTestCase

from .helpers import export, row

TODAY = NOW.date()
URL = reverse("staff:follow_up")
EARLIER = tokyo(2026, 11, 20, 9)


class FollowUpListTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        rows = [
            row("A", 届出日="2026-11-01", 氏名="青木 あい", 電話番号="080-1000-0001"),
            row("B", 届出日="2026-11-25", 氏名="馬場 べに", 電話番号="080-1000-0002"),
            row("C", 届出日="2026-11-01", 氏名="千葉 ちか", 電話番号="080-1000-0003"),
            row("D", 届出日="2026-11-10", 氏名="土井 でこ", 電話番号="080-1000-0004", 地区="金町"),
        ]
        result = notifications_import_file(
            municipality=self.w.katsushika, data=export(rows).encode()
        )
        self.assertFalse(result.refused, result.errors)
        self.pregnancy = {
            p.notification.record_key: p
            for p in Pregnancy.objects.filter(notification__isnull=False).select_related(
                "notification"
            )
        }
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 8, 10),
            pregnancy=self.pregnancy["C"],
            now=NOW,
        )
        # Hanako missed her interview at 青戸 yesterday; Mei missed hers and booked again.
        self.hanako_missed = self.no_show(self.w.hanako_pregnancy, tokyo(2026, 11, 30, 10))
        self.no_show(self.w.mei_pregnancy, tokyo(2026, 11, 27, 10))
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 10, 10),
            pregnancy=self.w.mei_pregnancy,
            now=NOW,
        )

    def no_show(self, pregnancy: Pregnancy, start: dt.datetime) -> Booking:
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=start,
            pregnancy=pregnancy,
            now=EARLIER,
        )
        Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.NO_SHOW)
        return booking

    def worklist(self, **kwargs: object):  # type: ignore[no-untyped-def]
        args: dict[str, object] = {
            "municipality_ids": frozenset({self.w.katsushika.pk}),
            "site_ids": frozenset({self.w.aoto.pk, self.w.eki.pk}),
            "today": TODAY,
            "tz": TOKYO,
        }
        args.update(kwargs)
        return follow_up_list(**args)  # type: ignore[arg-type]

    def test_notified_and_not_booked_after_n_days_oldest_first_with_their_age(self) -> None:
        worklist = self.worklist(days=14)
        self.assertEqual(
            [(e.resident.name, e.since, e.age_days) for e in worklist.not_booked],
            [
                ("青木 あい", dt.date(2026, 11, 1), 30),
                ("土井 でこ", dt.date(2026, 11, 10), 21),
            ],
        )
        self.assertEqual(worklist.not_booked_count, 2)

    def test_a_shorter_n_brings_in_the_recent_ones(self) -> None:
        names = [e.resident.name for e in self.worklist(days=3).not_booked]
        self.assertEqual(names, ["青木 あい", "土井 でこ", "馬場 べに"])

    def test_missed_interviews_without_a_later_booking_with_their_age(self) -> None:
        worklist = self.worklist()
        self.assertEqual(
            [(e.resident.name, e.since, e.age_days, e.site_name) for e in worklist.missed],
            [("山田 花子", dt.date(2026, 11, 30), 1, "青戸保健センター")],
        )
        self.assertEqual(worklist.missed[0].booking_reference, self.hanako_missed.reference)

    def test_one_district(self) -> None:
        worklist = self.worklist(district="金町")
        self.assertEqual([e.resident.name for e in worklist.not_booked], ["土井 でこ"])
        self.assertEqual(worklist.missed, [])

    def test_a_site_shows_only_its_own_missed_interviews(self) -> None:
        worklist = self.worklist(site_ids=frozenset({self.w.niccowa.pk}))
        self.assertEqual(worklist.missed, [])
        self.assertEqual(len(worklist.not_booked), 2)

    def test_the_number_of_queries_does_not_grow_with_the_list(self) -> None:
        with CaptureQueriesContext(connection) as few:
            self.worklist(days=0)
        more = [row(f"M{n}", 届出日="2026-11-02") for n in range(30)]
        notifications_import_file(municipality=self.w.katsushika, data=export(more).encode())
        with self.assertNumQueries(len(few.captured_queries)):
            worklist = self.worklist(days=0)
        self.assertEqual(len(worklist.not_booked), 33)
        # Two per section (rows, count; the third is flagged questionnaires) and the attempts.
        self.assertEqual(len(few.captured_queries), 9)  # two more: undeliverable invitations

    def test_the_page_lists_both_and_logs_who_was_shown(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        response = self.client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Notified, not booked after 14 days (2)")
        self.assertContains(response, "青木 あい")
        self.assertContains(response, "Missed interviews (欠席) (1)")
        self.assertContains(response, reverse("staff:booking", args=[self.hanako_missed.reference]))
        logged = set(
            AccessLog.objects.filter(user=self.w.nurse_sato.user, action="list").values_list(
                "resident__name", flat=True
            )
        )
        self.assertEqual(logged, {"青木 あい", "土井 でこ", "山田 花子"})

    def test_the_page_filters_by_district_and_days(self) -> None:
        self.sign_in(self.w.nurse_ito.user)
        response = self.client.get(
            URL, {"district": "金町", "days": "1"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        self.assertContains(response, "Notified, not booked after 1 days (1)")
        self.assertNotContains(response, "青木 あい")
        self.assertContains(response, "Missed interviews (欠席) (0)")

    def test_the_page_takes_a_fixed_number_of_queries(self) -> None:
        self.sign_in(self.w.admin_abe)
        self.client.get(URL)
        with CaptureQueriesContext(connection) as few:
            self.client.get(URL, {"days": "0"})
        more = [row(f"M{n}", 届出日="2026-11-02", 地区=f"地区{n}") for n in range(30)]
        notifications_import_file(municipality=self.w.katsushika, data=export(more).encode())
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(URL, {"days": "0"})
        self.assertContains(response, "地区29")
        self.assertEqual(len(many.captured_queries), len(few.captured_queries))

"""A municipality administrator's access-log page (APPI: who saw whose details, when): only her
municipality's rows, filtered by staff member, resident (name, kana, phone or booking reference)
and date, 50 to a page, in a fixed number of queries."""

from __future__ import annotations

import re

from django.urls import reverse

from scheduling.models import AccessLog, Booking
from scheduling.services import booking_create
from scheduling.staff_services import access_log_record
from tests.base import NOW, _resident, tokyo
from tests.staff.helpers import StaffTestCase

URL = reverse("staff:access_log")


def rows(html: str) -> int:
    body = re.search(r'<table class="access-log">.*?<tbody>(.*?)</tbody>', html, re.S)
    return 0 if body is None else body.group(1).count("<tr")


class AccessLogPageTest(StaffTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.w
        cls.booking = booking_create(
            site=w.aoto,
            interview_type=w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=w.hanako_pregnancy,
            staff=True,
            channel=Booking.Channel.STAFF,
            now=NOW,
        )
        access_log_record(
            user=w.nurse_sato.user, bookings=[cls.booking], action="view", now=tokyo(2026, 12, 1, 9)
        )
        access_log_record(
            user=w.manager_mori, residents=[w.mei], action="lookup", now=tokyo(2026, 11, 30, 15)
        )
        cls.sakura, _p = _resident(w.sakuragawa, "sakura@example.jp", "+819077778888", "桜 花")
        access_log_record(
            user=w.admin_ogawa, residents=[cls.sakura], action="lookup", now=tokyo(2026, 12, 1, 8)
        )

    def get(self, **query: object) -> str:
        response = self.client.get(URL, query, HTTP_ACCEPT_LANGUAGE="ja")
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_she_sees_who_saw_whose_details_and_when(self) -> None:
        self.sign_in(self.w.admin_abe)
        html = self.get()
        self.assertIn("閲覧記録", html)
        self.assertEqual(rows(html), 2)
        self.assertIn("佐藤 看護", html)
        self.assertIn("山田 花子", html)
        self.assertIn(self.booking.display_reference, html)
        self.assertIn("2026-12-01 09:00", html)
        self.assertIn("森 所長", html)

    def test_another_municipalitys_rows_are_not_hers(self) -> None:
        self.sign_in(self.w.admin_abe)
        self.assertNotIn("桜 花", self.get())
        self.sign_in(self.w.admin_ogawa)
        html = self.get()
        self.assertEqual(rows(html), 1)
        self.assertIn("桜 花", html)
        self.assertNotIn("山田 花子", html)

    def test_she_filters_by_staff_member(self) -> None:
        self.sign_in(self.w.admin_abe)
        html = self.get(staff=self.w.manager_mori.pk)
        self.assertEqual(rows(html), 1)
        self.assertIn("林 芽依", html)

    def test_the_staff_menu_offers_only_her_municipalitys_staff(self) -> None:
        self.sign_in(self.w.admin_abe)
        html = self.get()
        self.assertIn(f'<option value="{self.w.nurse_sato.user.pk}"', html)
        self.assertNotIn(f'<option value="{self.w.admin_ogawa.pk}"', html)
        self.assertEqual(rows(self.get(staff=self.w.admin_ogawa.pk)), 0)

    def test_she_filters_by_resident_name_phone_or_reference(self) -> None:
        self.sign_in(self.w.admin_abe)
        for query, name in [
            ("林", "林 芽依"),
            ("080-3333-4444", "林 芽依"),
            (self.booking.display_reference.lower(), "山田 花子"),
        ]:
            html = self.get(resident=query)
            self.assertEqual(rows(html), 1, query)
            self.assertIn(name, html)

    def test_she_filters_by_date(self) -> None:
        self.sign_in(self.w.admin_abe)
        html = self.get(date_from="2026-12-01", date_to="2026-12-01")
        self.assertEqual(rows(html), 1)
        self.assertIn("佐藤 看護", html)
        self.assertEqual(rows(self.get(date_to="2026-11-30")), 1)

    def test_a_reversed_range_is_refused_in_japanese(self) -> None:
        self.sign_in(self.w.admin_abe)
        html = self.get(date_from="2026-12-02", date_to="2026-12-01")
        self.assertIn("終了日は開始日以降", html)

    def test_it_pages_by_fifty_keeping_the_filters(self) -> None:
        AccessLog.objects.bulk_create(
            AccessLog(user=self.w.nurse_kato.user, booking=self.booking, resident=self.w.hanako)
            for _ in range(60)
        )
        self.sign_in(self.w.admin_abe)
        kato = self.w.nurse_kato.user.pk
        first = self.get(staff=kato)
        self.assertEqual(rows(first), 50)
        self.assertIn(f"staff={kato}", re.search(r'href="(\?[^"]*page=2[^"]*)"', first).group(1))
        self.assertEqual(rows(self.get(staff=kato, page=2)), 10)

    def test_the_page_costs_the_same_queries_for_many_rows(self) -> None:
        self.sign_in(self.w.admin_abe)
        self.get()  # warm the session and caches
        with self.assertNumQueries(self.queries()):
            AccessLog.objects.bulk_create(
                AccessLog(user=self.w.nurse_kato.user, booking=self.booking) for _ in range(40)
            )
            self.get()

    def queries(self) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            self.get()
        return len(captured) + 1  # + the bulk insert

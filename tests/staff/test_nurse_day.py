"""A nurse's day and week: her interviews across her sites, with what she needs to know."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from scheduling.models import AccessLog, Booking
from scheduling.services import booking_create
from tests.base import NOW, tokyo
from tests.staff.helpers import StaffTestCase


class NurseDayTest(StaffTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.w
        p = w.hanako_pregnancy
        p.interpreter_needed, p.first_pregnancy, p.preferred_language = True, True, "zh-hans"
        p.notes = "つわりがつらいです"
        p.save()
        cls.today = booking_create(
            site=w.aoto,
            interview_type=w.itype,
            start=tokyo(2026, 12, 1, 13),
            pregnancy=p,
            staff=True,
            now=NOW,
        )
        cls.friday = booking_create(
            site=w.aoto,
            interview_type=w.itype,
            start=tokyo(2026, 12, 4, 10),
            pregnancy=w.mei_pregnancy,
            now=NOW,
        )
        # Both at 青戸; make them Sato's so her own list shows them.
        Booking.objects.filter(pk__in=[cls.today.pk, cls.friday.pk]).update(nurse=w.nurse_sato)

    def setUp(self) -> None:
        super().setUp()
        self.sign_in(self.w.nurse_sato.user)

    def test_today_shows_time_room_mode_and_her_details(self) -> None:
        response = self.client.get(reverse("staff:day"))
        self.assertContains(response, "13:00–13:30")
        self.assertContains(response, "山田 花子")
        self.assertContains(response, "つわりがつらいです")
        self.assertContains(response, "简体中文")
        # Due 2027-06-01: on 2026-12-01 she is in week 13.
        self.assertContains(response, "13")
        self.assertNotContains(response, "林 芽依")  # Friday's is not today

    def test_the_week_shows_every_day_with_interviews(self) -> None:
        response = self.client.get(reverse("staff:day"), {"span": "week", "date": "2026-12-02"})
        self.assertContains(response, "山田 花子")
        self.assertContains(response, "林 芽依")

    def test_listing_residents_writes_one_access_log_row_per_record(self) -> None:
        self.client.get(reverse("staff:day"), {"span": "week"})
        rows = AccessLog.objects.filter(user=self.w.nurse_sato.user, action="list")
        self.assertEqual({r.booking_id for r in rows}, {self.today.pk, self.friday.pk})
        self.assertEqual({r.resident_id for r in rows}, {self.w.hanako.pk, self.w.mei.pk})

    def test_the_list_uses_a_fixed_number_of_queries(self) -> None:
        self.client.get(reverse("staff:day"))  # warm the session
        # session, user, resident profile, scope (nurse, her sites, roles), TOTP check, sites,
        # bookings, access log, sent questionnaires (none here, so their answers are not read):
        # the same for one interview or a week of them.
        with self.assertNumQueries(10):
            self.client.get(reverse("staff:day"), {"span": "week"})
        with self.assertNumQueries(10):
            self.client.get(reverse("staff:day"))

    def test_a_nurse_of_another_site_sees_none_of_it(self) -> None:
        self.sign_in(self.w.nurse_ito.user)
        response = self.client.get(reverse("staff:day"), {"span": "week"})
        self.assertNotContains(response, "山田 花子")
        response = self.client.get(reverse("staff:day"), {"site": self.w.aoto.pk})
        self.assertNotContains(response, "山田 花子")

    def test_a_bad_date_shows_today_instead_of_failing(self) -> None:
        response = self.client.get(reverse("staff:day"), {"date": "2026-13-45", "span": "x"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "山田 花子")

    def test_marking_attendance_from_the_list_returns_to_the_list(self) -> None:
        with time_machine.travel(tokyo(2026, 12, 1, 13, 5), tick=False):  # after its start
            response = self.client.post(
                reverse("staff:attendance", args=[self.today.reference]),
                {"outcome": "no_show", "next": "/staff/day/"},
            )
        self.assertRedirects(response, "/staff/day/", fetch_redirect_response=False)
        self.today.refresh_from_db()
        self.assertEqual(self.today.status, Booking.Status.NO_SHOW)

    def test_future_interviews_cannot_be_marked_yet(self) -> None:
        self.client.post(
            reverse("staff:attendance", args=[self.friday.reference]), {"outcome": "attended"}
        )
        self.friday.refresh_from_db()
        self.assertEqual(self.friday.status, Booking.Status.CONFIRMED)
        self.assertEqual(dt.date(2026, 12, 4), self.friday.start.date())

"""The working-hours editor: the weekly table, adding and changing hours, time off, the preview,
and the stranded-bookings warning (never a silent change)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from scheduling.models import AvailabilityRule, Booking, TimeOff
from scheduling.services import booking_create
from tests.base import NOW, tokyo
from tests.staff.helpers import StaffTestCase


class SchedulePagesTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sign_in(self.w.nurse_sato.user)

    def test_the_editor_shows_her_week_per_site_and_a_preview_of_her_slots(self) -> None:
        response = self.client.get(reverse("staff:availability"))
        self.assertContains(response, "青戸保健センター")
        self.assertContains(response, "えきにこわ")
        self.assertContains(response, "09:00–12:00")
        self.assertContains(response, "17:00–19:30")
        self.assertContains(response, "12/2")  # the preview starts today

    def test_adding_hours_for_several_days_at_once(self) -> None:
        self.client.post(
            reverse("staff:rule_create"),
            {
                "site": self.w.eki.pk,
                "weekdays": ["0", "2"],
                "start_time": "17:00",
                "end_time": "19:00",
                "valid_from": "2026-12-07",
            },
        )
        rules = AvailabilityRule.objects.filter(
            nurse=self.w.nurse_sato, site=self.w.eki, valid_from=dt.date(2026, 12, 7)
        )
        self.assertEqual(sorted(r.weekday for r in rules), [0, 2])

    def test_an_overlap_on_one_day_adds_none_of_them(self) -> None:
        response = self.client.post(
            reverse("staff:rule_create"),
            {
                "site": self.w.eki.pk,
                "weekdays": ["0", "4"],
                "start_time": "17:00",
                "end_time": "19:00",
                "valid_from": "2026-12-07",
            },
        )
        self.assertEqual(response.status_code, 422)
        self.assertFalse(AvailabilityRule.objects.filter(valid_from=dt.date(2026, 12, 7)).exists())

    def test_an_edit_that_strands_a_booking_lists_it_and_asks(self) -> None:
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
            now=NOW,
        )
        Booking.objects.filter(pk=booking.pk).update(nurse=self.w.nurse_sato)
        rule = AvailabilityRule.objects.get(
            nurse=self.w.nurse_sato, site=self.w.aoto, weekday=3, start_time=dt.time(9)
        )
        data = {
            "weekdays": "3",
            "start_time": "11:00",
            "end_time": "12:00",
            "valid_from": "2026-01-01",
        }
        response = self.client.post(reverse("staff:rule_edit", args=[rule.pk]), data)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, booking.display_reference, status_code=409)
        self.assertContains(
            response, reverse("staff:reschedule", args=[booking.reference]), status_code=409
        )
        rule.refresh_from_db()
        self.assertEqual(rule.start_time, dt.time(9))
        # She keeps it: the second submit carries confirm_stranded.
        response = self.client.post(
            reverse("staff:rule_edit", args=[rule.pk]), {**data, "confirm_stranded": "on"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(
            AvailabilityRule.objects.filter(
                nurse=self.w.nurse_sato, weekday=3, start_time=dt.time(11)
            ).exists()
        )

    def test_time_off_for_a_whole_day_a_range_and_every_week(self) -> None:
        url = reverse("staff:time_off_create")
        self.client.post(url, {"date_from": "2026-12-10"})
        self.client.post(url, {"date_from": "2026-12-21", "date_to": "2026-12-23"})
        self.client.post(
            url,
            {
                "date_from": "2026-12-08",
                "start_time": "13:00",
                "end_time": "16:00",
                "weekly_until": "2027-01-26",
            },
        )
        offs = list(TimeOff.objects.filter(nurse=self.w.nurse_sato).order_by("start"))
        self.assertEqual(
            [(o.start, o.end) for o in offs],
            [
                (tokyo(2026, 12, 8, 13), tokyo(2026, 12, 8, 16)),
                (tokyo(2026, 12, 10), tokyo(2026, 12, 11)),
                (tokyo(2026, 12, 21), tokyo(2026, 12, 24)),
            ],
        )
        self.assertEqual(offs[0].weekly_until, dt.date(2027, 1, 26))

    def test_half_given_times_are_an_error_not_a_guess(self) -> None:
        response = self.client.post(
            reverse("staff:time_off_create"), {"date_from": "2026-12-10", "start_time": "13:00"}
        )
        self.assertEqual(response.status_code, 422)
        self.assertFalse(TimeOff.objects.exists())

    def test_a_manager_edits_a_nurse_at_her_site_but_not_elsewhere(self) -> None:
        self.sign_in(self.w.manager_mori)
        eki_rule = AvailabilityRule.objects.get(nurse=self.w.nurse_sato, site=self.w.eki)
        self.assertEqual(
            self.client.get(reverse("staff:rule_edit", args=[eki_rule.pk])).status_code, 404
        )
        response = self.client.get(reverse("staff:availability"), {"nurse": self.w.nurse_sato.pk})
        self.assertContains(response, "青戸保健センター")

    def test_the_editor_page_uses_a_fixed_number_of_queries(self) -> None:
        self.client.get(reverse("staff:availability"))
        # 17: the availability engine reads three times since issue 19 (was six: 20).
        with self.assertNumQueries(17):
            self.client.get(reverse("staff:availability"))

"""Site and interview-type configuration with real controls instead of raw JSON: open days as
checkboxes, "closed on the 2nd Sunday" as two selects, modes as checkboxes, reminders as hour
numbers. Validated, with Japanese messages next to the field; stored in the same format as
before ([0, 1, 2], [[2, 6]], ["in_person"], [72, 24])."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from tests.staff.helpers import StaffTestCase


def checked_values(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="checkbox" name="{name}" value="(\w+)"[^>]* checked', html)


def selected(html: str, name: str) -> str | None:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, f"no select {name}"
    chosen = re.search(r'<option value="(\w*)" selected>', select.group(1))
    return chosen.group(1) if chosen else None


class SiteConfigControlsTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sign_in(self.w.admin_abe)
        self.site_url = reverse("staff:site_edit", args=[self.w.niccowa.pk])
        self.type_url = reverse("staff:type_edit", args=[self.w.itype.pk])

    def site_data(self, **changes: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": "にこわ新小岩",
            "address": "葛飾区西新小岩4-33-2",
            "rooms": 1,
            "open_weekdays": ["0", "1", "2", "3", "4", "5", "6"],
            "closed_nth_weekdays_0_n": "2",
            "closed_nth_weekdays_0_weekday": "6",
            "modes": ["in_person"],
            "is_active": "on",
            "year_end_start": "12-29",
            "year_end_end": "01-03",
        }
        data.update(changes)
        return data

    def type_data(self, **changes: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": "ゆりかご面接",
            "duration_minutes": 30,
            "buffer_minutes": 0,
            "slot_step_minutes": 30,
            "modes": ["in_person"],
            "min_notice_hours": 24,
            "max_days_ahead": 60,
            "hold_minutes": 10,
            "cancel_deadline_business_days": 1,
            "cancel_deadline_time": "11:00",
            "reminder_hours_before_0": "72",
            "reminder_hours_before_1": "24",
            "is_active": "on",
        }
        data.update(changes)
        return data

    def test_the_site_form_has_no_raw_json_box(self) -> None:
        html = self.client.get(self.site_url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        self.assertNotIn("<textarea", html)
        self.assertNotIn("[[2, 6]]", html)

    def test_open_days_are_checkboxes_ticked_as_stored(self) -> None:
        html = self.client.get(reverse("staff:site_edit", args=[self.w.aoto.pk])).content.decode()
        self.assertEqual(checked_values(html, "open_weekdays"), ["0", "1", "2", "3", "4"])
        self.assertIn('value="6"', html)  # Sunday is offered, unticked

    def test_the_2nd_sunday_closure_is_two_selects(self) -> None:
        html = self.client.get(self.site_url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        self.assertEqual(selected(html, "closed_nth_weekdays_0_n"), "2")
        self.assertEqual(selected(html, "closed_nth_weekdays_0_weekday"), "6")
        self.assertIn("第2", html)
        self.assertIn("日曜日", html)
        self.assertEqual(selected(html, "closed_nth_weekdays_1_n"), "")  # a blank row to add one

    def test_saving_keeps_the_stored_format(self) -> None:
        data = self.site_data(
            open_weekdays=["4", "0", "2"],
            closed_nth_weekdays_1_n="4",
            closed_nth_weekdays_1_weekday="2",
            modes=["in_person", "video"],
        )
        response = self.client.post(self.site_url, data)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        site = self.w.niccowa
        site.refresh_from_db()
        self.assertEqual(site.open_weekdays, [0, 2, 4])
        self.assertEqual(site.closed_nth_weekdays, [[2, 6], [4, 2]])
        self.assertEqual(site.modes, ["in_person", "video"])

    def test_a_closure_row_needs_both_selects(self) -> None:
        response = self.client.post(
            self.site_url,
            self.site_data(closed_nth_weekdays_0_weekday=""),
            HTTP_ACCEPT_LANGUAGE="ja",
        )
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "第何週と曜日の両方を選んでください", status_code=422)

    def test_a_site_must_open_on_some_day(self) -> None:
        response = self.client.post(
            self.site_url, self.site_data(open_weekdays=[]), HTTP_ACCEPT_LANGUAGE="ja"
        )
        self.assertContains(response, "開所する曜日を1つ以上選んでください", status_code=422)

    def test_a_made_up_weekday_is_refused(self) -> None:
        response = self.client.post(self.site_url, self.site_data(open_weekdays=["9"]))
        self.assertEqual(response.status_code, 422)

    def test_reminders_are_hour_numbers_stored_longest_first(self) -> None:
        html = self.client.get(self.type_url).content.decode()
        self.assertIn('type="number" name="reminder_hours_before_0" value="72"', html)
        self.assertIn('type="number" name="reminder_hours_before_1" value="24"', html)
        response = self.client.post(
            self.type_url,
            self.type_data(
                reminder_hours_before_0="24",
                reminder_hours_before_1="",
                **{"reminder_hours_before_2": "48"},
            ),
        )
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        self.w.itype.refresh_from_db()
        self.assertEqual(self.w.itype.reminder_hours_before, [48, 24])

    def test_no_reminders_at_all_is_allowed(self) -> None:
        response = self.client.post(
            self.type_url, self.type_data(reminder_hours_before_0="", reminder_hours_before_1="")
        )
        self.assertEqual(response.status_code, 302)
        self.w.itype.refresh_from_db()
        self.assertEqual(self.w.itype.reminder_hours_before, [])

    def test_a_reminder_must_be_a_whole_number_of_hours_within_a_month(self) -> None:
        for bad in ("0", "-3", "1000", "1.5", "abc"):
            response = self.client.post(
                self.type_url,
                self.type_data(reminder_hours_before_0=bad),
                HTTP_ACCEPT_LANGUAGE="ja",
            )
            self.assertContains(
                response, "1から720までの時間数を入力してください", status_code=422, msg_prefix=bad
            )

    def test_an_interview_type_needs_a_mode(self) -> None:
        response = self.client.post(
            self.type_url, self.type_data(modes=[]), HTTP_ACCEPT_LANGUAGE="ja"
        )
        self.assertContains(response, "面接の方法を1つ以上選んでください", status_code=422)

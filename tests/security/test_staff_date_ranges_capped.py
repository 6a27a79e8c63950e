"""Staff pages that take a date or a range answer far dates with a form error or their
default, never a 500 (finding 9: every date range capped, on the staff side too). A dashboard
for the week of 9999-12-31 overflowed Python's dates."""

from __future__ import annotations

from tests.staff.helpers import StaffTestCase

FAR = ("9999-12-31", "0001-01-01", "2201-01-01", "1999-12-31")


class StaffDateRangesCappedTest(StaffTestCase):
    def assertAnswers(self, url: str) -> None:
        response = self.client.get(url)
        self.assertIn(response.status_code, (200, 302), url)

    def test_the_dashboard_and_its_csv(self) -> None:
        self.sign_in(self.w.admin_abe)
        for day in FAR:
            for period in ("week", "month", "year"):
                self.assertAnswers(f"/staff/dashboard/?period={period}&date={day}")
                self.assertAnswers(f"/staff/dashboard/csv/?period={period}&date={day}&table=sites")

    def test_the_day_and_week_of_interviews(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        for day in FAR:
            for span in ("day", "week"):
                self.assertAnswers(f"/staff/day/?date={day}&span={span}")

    def test_the_slot_search_when_booking_for_her(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        for day in FAR:
            self.assertAnswers(f"/staff/book/?site={self.w.aoto.pk}&date={day}&mode=in_person")

    def test_time_off_and_weekly_hours_with_far_dates_are_form_errors(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        for day in FAR:
            response = self.client.post(
                "/staff/availability/time-off/new/", {"date_from": day, "date_to": day}
            )
            self.assertIn(response.status_code, (200, 302, 400, 422), day)
            response = self.client.post(
                "/staff/availability/rules/new/",
                {
                    "site": self.w.aoto.pk,
                    "weekday": 0,
                    "start_time": "09:00",
                    "end_time": "10:00",
                    "valid_from": day,
                    "valid_to": day,
                },
            )
            self.assertIn(response.status_code, (200, 302, 400, 422), day)

"""When a contact falls due, computed from the due date (and birth), across month and year ends."""

from __future__ import annotations

import datetime as dt

import time_machine

from scheduling.contacts import DUE, NOT_YET, PAST, contact_window, pregnancy_contacts
from scheduling.models import Contact
from tests.base import NOW, BaseTestCase, tokyo
from tests.contacts.helpers import katsushika_contacts


class DueWindowTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.contacts = katsushika_contacts(self.w)
        self.pregnancy = self.w.hanako_pregnancy

    def _window(self, contact: Contact, due: dt.date) -> tuple[dt.date | None, dt.date | None]:
        self.pregnancy.due_date = due
        window = contact_window(contact, self.pregnancy)
        return window.start, window.end

    def test_weeks_28_to_36_run_from_day_196_to_day_258_of_the_pregnancy(self) -> None:
        # Due 2027-06-01: day 0 is 2026-08-25; week 28 starts 196 days later.
        start, end = self._window(self.contacts.late_visit, dt.date(2027, 6, 1))
        self.assertEqual(start, dt.date(2027, 3, 9))
        self.assertEqual(end, dt.date(2027, 5, 10))
        self.assertEqual(self.pregnancy.gestational_week_on(start), 28)
        self.assertEqual(self.pregnancy.gestational_week_on(end), 36)
        self.assertEqual(self.pregnancy.gestational_week_on(end + dt.timedelta(days=1)), 37)

    def test_a_window_that_crosses_the_year_end(self) -> None:
        # Due 2027-03-01: week 28 starts 2026-12-07 and week 31 ends 2027-01-03.
        start, end = self._window(self.contacts.questionnaire, dt.date(2027, 3, 1))
        self.assertEqual((start, end), (dt.date(2026, 12, 7), dt.date(2027, 1, 3)))

    def test_a_window_that_crosses_a_month_end_in_a_leap_february(self) -> None:
        # Due 2028-05-01 (2028 is a leap year, so 29 February counts): week 28 starts 2028-02-07
        # and week 31 ends 2028-03-05.
        start, end = self._window(self.contacts.questionnaire, dt.date(2028, 5, 1))
        self.assertEqual((start, end), (dt.date(2028, 2, 7), dt.date(2028, 3, 5)))

    def test_after_birth_counts_days_from_the_birth_across_the_year_end(self) -> None:
        self.pregnancy.outcome, self.pregnancy.ended_on = "birth", dt.date(2026, 12, 20)
        window = contact_window(self.contacts.baby_visit, self.pregnancy)
        self.assertEqual((window.start, window.end), (dt.date(2026, 12, 20), dt.date(2027, 4, 18)))

    def test_an_after_birth_contact_has_no_window_before_the_birth(self) -> None:
        window = contact_window(self.contacts.baby_visit, self.pregnancy)
        self.assertEqual((window.start, window.end), (None, None))

    def test_the_statuses_follow_the_window_day_by_day(self) -> None:
        self.pregnancy.due_date = dt.date(2027, 3, 1)
        self.pregnancy.save()
        for moment, expected in (
            (tokyo(2026, 12, 6, 23, 59), NOT_YET),
            (tokyo(2026, 12, 7, 0, 0), DUE),
            (tokyo(2027, 1, 3, 23, 59), DUE),
            (tokyo(2027, 1, 4, 0, 0), PAST),
        ):
            with time_machine.travel(moment, tick=False):
                lines = {line.contact.code: line for line in pregnancy_contacts(self.pregnancy)}
                self.assertEqual(lines["questionnaire-8m"].status, expected, moment)

    def test_the_first_contact_is_due_from_the_notification(self) -> None:
        self.pregnancy.notified_on = dt.date(2026, 11, 30)
        with time_machine.travel(NOW, tick=False):
            lines = pregnancy_contacts(self.pregnancy)
        self.assertEqual([line.status for line in lines], [DUE, NOT_YET, NOT_YET, NOT_YET])
        self.assertEqual(lines[0].window.start, dt.date(2026, 11, 30))

"""The done page says exactly which reminders will come (when, and by which channel), or that
none will, instead of always promising one before the day."""

from __future__ import annotations

from tests.base import tokyo
from tests.frontend.helpers import FlowTestCase, details_data


class DonePageNamesTheRemindersTest(FlowTestCase):
    def book(self, start: object, **details: str) -> str:
        hold = self.hold(start=start)  # type: ignore[arg-type]
        response = self.send_details(hold, details_data(hold.display_reference, **details))
        self.assertEqual(response.status_code, 302, response.content[:300])
        return f"/bookings/{hold.reference}/?new=1"

    def test_it_names_the_day_and_channel_of_the_reminder_that_is_queued(self) -> None:
        # Thursday 10:00: the 72-hour reminder is already past, the 24-hour one is queued.
        page = self.client.get(self.book(tokyo(2026, 12, 3, 10)), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, "We will send you a reminder")
        self.assertContains(page, "Wed 2 December 2026 10:00")
        self.assertContains(page, "by SMS")
        self.assertNotContains(page, "You will get a reminder before the day.")

    def test_both_channels_are_named_when_she_asked_for_both(self) -> None:
        url = self.book(tokyo(2026, 12, 3, 10), reminders="both", email="hana@example.jp")
        page = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, "by SMS and email")

    def test_it_says_no_reminder_will_come_when_none_was_queued(self) -> None:
        # Wednesday 09:30: its 24-hour reminder would go out now, too close to the booking.
        page = self.client.get(self.book(tokyo(2026, 12, 2, 9, 30)), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, "We will not send a reminder for this booking")
        self.assertNotContains(page, "We will send you a reminder")
        self.assertNotContains(page, "You will get a reminder before the day.")

    def test_it_says_so_in_japanese(self) -> None:
        page = self.client.get(self.book(tokyo(2026, 12, 2, 9, 30)), HTTP_ACCEPT_LANGUAGE="ja")
        self.assertNotContains(page, "前日までにもう一度お知らせします")
        self.assertContains(page, "お知らせ（リマインダー）はお送りしません")

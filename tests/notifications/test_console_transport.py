"""Without a provider, SMS are 'sent' to the log: masked number and purpose, never the text."""

from __future__ import annotations

from tests.notifications.base import NotificationsTestCase


class ConsoleTransportTest(NotificationsTestCase):
    def test_it_logs_a_masked_number_and_the_purpose_only(self) -> None:
        booking = self.book()
        with self.assertLogs("notifications.console", level="INFO") as logs:
            self.dispatch()
        output = "\n".join(logs.output)
        self.assertIn("sending SMS to +81…2222 (confirmation", output)
        self.assertNotIn("9011112222", output)
        self.assertNotIn(booking.display_reference, output)
        self.assertNotIn("青戸", output)
        self.assertEqual(self.row(booking).status, "sent")

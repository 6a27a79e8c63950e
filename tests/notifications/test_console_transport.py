"""The console SMS transport: the demo shows texts on the terminal, the logs never do."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

from django.test import SimpleTestCase, override_settings

from notifications.transports.base import Outgoing
from notifications.transports.console import ConsoleSmsTransport


def outgoing() -> Outgoing:
    return Outgoing(
        message_id=7,
        purpose="login_code",
        recipient="+819011112222",
        text="葛飾区 予約 ログインコード 123456",
    )


class ConsoleTransportTest(SimpleTestCase):
    @override_settings(SMS_CONSOLE_SHOW_TEXT=True)
    def test_the_demo_prints_the_text_to_the_terminal_but_not_to_the_log(self) -> None:
        out = io.StringIO()
        with self.assertLogs("notifications.console", level="INFO") as logs, redirect_stdout(out):
            ConsoleSmsTransport().send(outgoing())
        self.assertIn("123456", out.getvalue())
        self.assertNotIn("123456", "\n".join(logs.output))
        self.assertNotIn("11112222", "\n".join(logs.output))

    @override_settings(SMS_CONSOLE_SHOW_TEXT=False)
    def test_by_default_without_debug_it_prints_nothing(self) -> None:
        out = io.StringIO()
        with self.assertLogs("notifications.console", level="INFO"), redirect_stdout(out):
            ConsoleSmsTransport().send(outgoing())
        self.assertEqual(out.getvalue(), "")

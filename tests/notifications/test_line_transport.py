"""LINE messages go through the real line-bot-sdk to the Messaging API (a fake on loopback):
429, 5xx and timeouts are transient (the send task retries them), a user who blocked the account
is permanent (the message falls back to another channel)."""

from __future__ import annotations

from django.test import SimpleTestCase, override_settings

from notifications.transports import Outgoing, Sent, TransportError, line_transport
from notifications.transports.line import ConsoleLineTransport, LineTransport, retry_key
from tests.fakes.line import FakeLine

USER = "U" + "1" * 32


def reminder(message_id: int = 7) -> Outgoing:
    return Outgoing(
        message_id=message_id,
        purpose="reminder",
        recipient=USER,
        text="【葛飾区】明日 10:00 面談のご予約があります。予約番号 K-1234",
    )


class LineTransportTest(SimpleTestCase):
    def setUp(self) -> None:
        self.line = FakeLine().start()
        self.addCleanup(self.line.stop)
        overridden = override_settings(**self.line.settings(), PROVIDER_TIMEOUT_SECONDS=1)
        overridden.enable()
        self.addCleanup(overridden.disable)

    def send(self, outgoing: Outgoing | None = None) -> Sent:
        return line_transport().send(outgoing or reminder())

    def failure(self) -> TransportError:
        with self.assertRaises(TransportError) as caught:
            self.send()
        return caught.exception

    def test_a_reminder_reaches_the_messaging_api_through_the_sdk(self) -> None:
        sent = self.send()
        self.assertEqual(len(self.line.sent), 1)
        pushed = self.line.sent[0]
        self.assertEqual(pushed.to, USER)
        self.assertEqual(pushed.texts, [reminder().text])
        self.assertEqual(pushed.messages[0]["type"], "text")
        self.assertEqual(sent.provider_id, pushed.id)

    def test_each_message_carries_its_own_stable_retry_key(self) -> None:
        self.send(reminder(7))
        self.send(reminder(8))
        keys = [m.retry_key for m in self.line.sent]
        self.assertEqual(keys, [retry_key(7), retry_key(8)])
        self.assertNotEqual(keys[0], keys[1])

    def test_a_429_is_transient_and_names_the_retry_after(self) -> None:
        self.line.script(("throttle", 30))
        error = self.failure()
        self.assertTrue(error.transient)
        self.assertEqual(error.code, "429")
        self.assertIn("30", str(error))
        self.assertEqual(self.line.sent, [])

    def test_after_a_429_the_next_attempt_is_sent(self) -> None:
        self.line.script(("throttle", 1))
        self.failure()
        self.send()
        self.assertEqual(len(self.line.requests), 2)
        self.assertEqual(len(self.line.sent), 1)

    def test_a_500_is_transient(self) -> None:
        self.line.script(("error", 500))
        error = self.failure()
        self.assertTrue(error.transient)
        self.assertEqual(error.code, "500")

    def test_a_timeout_is_transient_and_not_retried_inside_the_client(self) -> None:
        self.line.script(("hang", 3))
        error = self.failure()
        self.assertTrue(error.transient)
        self.assertEqual(error.code, "timeout")
        self.assertEqual(len(self.line.requests), 1)

    def test_a_user_who_blocked_the_account_is_a_permanent_failure(self) -> None:
        self.line.blocked.add(USER)
        error = self.failure()
        self.assertTrue(error.permanent)
        self.assertEqual(error.code, "blocked")
        self.assertNotIn(USER, str(error))

    def test_a_403_is_also_treated_as_blocked(self) -> None:
        self.line.script(("error", 403))
        error = self.failure()
        self.assertTrue(error.permanent)
        self.assertEqual(error.code, "blocked")

    def test_a_wrong_access_token_is_a_permanent_configuration_error(self) -> None:
        with override_settings(LINE_CHANNEL_ACCESS_TOKEN="not-the-token"):
            error = self.failure()
        self.assertTrue(error.permanent)
        self.assertEqual(error.code, "config")

    def test_the_line_backend_uses_the_sdk_and_the_default_logs_only(self) -> None:
        self.assertIsInstance(line_transport(), LineTransport)
        with override_settings(LINE_BACKEND="console"):
            transport = line_transport()
            self.assertIsInstance(transport, ConsoleLineTransport)
            with self.assertLogs("notifications.line") as logs:
                transport.send(reminder())
        self.assertEqual(self.line.requests, [])
        self.assertNotIn(reminder().text, "\n".join(logs.output))

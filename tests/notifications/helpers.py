"""Helpers for the notification tests: book through the real services, run the dispatcher."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.test import override_settings
from django.utils import timezone

from notifications.models import Message
from notifications.tasks import DispatchResult, dispatch_due_messages
from scheduling.models import Booking, Municipality
from scheduling.services import booking_create
from tests.base import BaseTestCase, tokyo
from tests.fakes.twilio import FakeTwilio

THURSDAY_10 = tokyo(2026, 12, 3, 10)


def login_codes_due(
    municipality: Municipality, count: int, *, send_at: dt.datetime | None = None
) -> list[Message]:
    """`count` sign-in code SMS to distinct numbers, due at `send_at` (now): the smallest rows
    the dispatcher sends, with no booking behind them."""
    return [
        Message.objects.create(
            municipality=municipality,
            purpose="login_code",
            channel="sms",
            recipient=f"+8190000{i:05d}",
            context={"code": "123456"},
            send_at=send_at or timezone.now(),
        )
        for i in range(count)
    ]


class NotificationsTestCase(BaseTestCase):
    def book(
        self,
        *,
        start: dt.datetime = THURSDAY_10,
        sms: bool = True,
        email: bool = False,
        language: str = "ja",
        pregnancy: Any = None,
        **kwargs: Any,
    ) -> Booking:
        return booking_create(
            site=kwargs.pop("site", self.w.aoto),
            interview_type=self.w.itype,
            start=start,
            pregnancy=pregnancy or self.w.hanako_pregnancy,
            notify_sms=sms,
            notify_email=email,
            language=language,
            **kwargs,
        )

    def dispatch(self, **kwargs: Any) -> DispatchResult:
        return dispatch_due_messages(**kwargs)

    def row(
        self,
        booking: Booking,
        purpose: str = "confirmation",
        channel: str = "sms",
        occurrence: str = "",
    ) -> Message:
        return Message.objects.get(
            booking=booking, purpose=purpose, channel=channel, occurrence=occurrence
        )

    def outbox(self) -> list[Any]:
        return list(mail.outbox)


class FakeTwilioTestCase(NotificationsTestCase):
    """SMS go through the real twilio client to a fake Twilio on 127.0.0.1."""

    def setUp(self) -> None:
        super().setUp()
        self.twilio = FakeTwilio().start()
        self.addCleanup(self.twilio.stop)
        overrides = override_settings(**self.twilio.settings(), PROVIDER_TIMEOUT_SECONDS=0.5)
        overrides.enable()
        self.addCleanup(overrides.disable)

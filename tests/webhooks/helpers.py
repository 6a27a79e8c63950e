"""A Katsushika integration token with an owner, subscribed to a receiver on loopback."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings

from api.models import ApiToken
from api.tokens import api_token_create
from notifications.webhook_models import WebhookDelivery, WebhookEvent, WebhookSubscription
from notifications.webhooks import webhook_subscription_create, webhooks_send_due
from scheduling.models import Booking, Pregnancy, User
from scheduling.services import booking_create
from tests.base import NOW, BaseTestCase, tokyo

ALL_BOOKING_EVENTS = [str(e) for e in WebhookEvent if e.startswith("booking.")]


@override_settings(CALENDAR_FETCH_ALLOW_LOOPBACK=True)
class WebhookTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.owner = User.objects.create_user(email="it@city.katsushika.example", password="x")
        self.token = self.make_token()

    def make_token(self, scopes: list[str] | None = None) -> ApiToken:
        return api_token_create(
            municipality=self.w.katsushika, name="母子保健", created_by=self.owner, scopes=scopes
        )[0]

    def subscribe(
        self, url: str, events: list[str] | None = None, token: ApiToken | None = None
    ) -> WebhookSubscription:
        return webhook_subscription_create(
            token=token or self.token, url=url, events=events or ALL_BOOKING_EVENTS
        )

    def book(self, day: int = 3, hour: int = 10, pregnancy: Pregnancy | None = None) -> Booking:
        return booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, day, hour),
            pregnancy=pregnancy or self.w.hanako_pregnancy,
            now=NOW,
        )

    def run_sender(self, minutes: list[int]) -> list[str]:
        """Send what is due at each of these minutes after NOW."""
        outcomes: list[str] = []
        for minute in minutes:
            outcomes += webhooks_send_due(now=NOW + dt.timedelta(minutes=minute))
        return outcomes

    def deliveries(self) -> list[WebhookDelivery]:
        return list(WebhookDelivery.objects.order_by("pk"))

"""Outbound webhooks for integrators: a subscription per API token, and the outbox of
deliveries, one row per (subscription, event), written in the booking's own transaction."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.TextChoices):
    BOOKING_CREATED = "booking.created", _("Booking created")
    BOOKING_RESCHEDULED = "booking.rescheduled", _("Booking rescheduled")
    BOOKING_CANCELLED = "booking.cancelled", _("Booking cancelled")
    BOOKING_ATTENDED = "booking.attended", _("Attended")
    BOOKING_NO_SHOW = "booking.no_show", _("No-show")
    CONTACT_DONE = "contact.done", _("Contact done")
    NOTIFICATION_IMPORTED = "notification.imported", _("Pregnancy notification imported")


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookSubscription(models.Model):
    """Where one integration wants to hear about events, and the secret it checks them with.

    `events` is stored as ",a,b," so the outbox can pick subscriptions by event in the same
    INSERT that writes the deliveries (a LIKE works on SQLite and PostgreSQL alike)."""

    token = models.ForeignKey(
        "api.ApiToken",
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        verbose_name=_("API token"),
    )
    municipality = models.ForeignKey(
        "scheduling.Municipality",
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        verbose_name=_("municipality"),
    )
    url = models.URLField(_("address"), max_length=500)
    events = models.CharField(_("events"), max_length=300)
    secret = models.CharField(_("signing secret"), max_length=80, default=new_webhook_secret)
    is_active = models.BooleanField(_("active"), default=True)
    # Set when a delivery gave up after a day of retries; cleared by the next success.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        indexes = [models.Index(fields=["municipality", "is_active"])]

    def __str__(self) -> str:
        return self.url

    @property
    def event_list(self) -> list[str]:
        return [event for event in self.events.split(",") if event]

    @staticmethod
    def pack_events(events: list[str]) -> str:
        return "," + ",".join(sorted(set(events))) + ","


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    event = models.CharField(_("event"), max_length=32, choices=WebhookEvent.choices)
    # One id per event, the same for every subscription: the receiver's idempotency key.
    event_id = models.UUIDField(default=uuid.uuid4)
    booking = models.ForeignKey(
        "scheduling.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booking"),
    )
    # What the event says, as it was when it happened; never a name or health detail.
    payload = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # Retried with backoff until then (a day after the event, or after staff sent it again).
    retry_until = models.DateTimeField(_("retried until"))
    claim = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent again by"),
    )

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="webhook_delivery_once_per_event"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id}"

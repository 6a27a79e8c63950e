"""The outbox: every message the system owes somebody, written in the transaction that owes it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from scheduling.models import Language


class Message(models.Model):
    class Purpose(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation")
        REMINDER = "reminder", _("Reminder")
        CANCELLATION = "cancellation", _("Cancellation notice")
        RESCHEDULE = "reschedule", _("Reschedule notice")
        LOGIN_CODE = "login_code", _("Login code")
        # Issue 15: a home visit's time, set by the district nurse (no booking: a HomeVisit).
        VISIT_TIME = "visit_time", _("Home visit time")
        # Issue 16: an earlier time freed up for someone on the waitlist.
        WAITLIST_OFFER = "waitlist_offer", _("Earlier time offered")
        # Issue 16: an invitation (book, questionnaire, after birth, reminder, we missed you),
        # with her sign-in link; no booking (scheduling.invitation_models.Invitation).
        INVITATION = "invitation", _("Invitation")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("Email")
        # Issue 18: push messages from the municipality's LINE official account.
        LINE = "line", _("LINE")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        SKIPPED = "skipped", _("Skipped")

    booking = models.ForeignKey(
        "scheduling.Booking",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("booking"),
    )
    municipality = models.ForeignKey(
        "scheduling.Municipality",
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("municipality"),
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # Distinguishes repeats of one purpose: "72h" and "24h" reminders, the Nth reschedule.
    occurrence = models.CharField(_("occurrence"), max_length=32, default="", blank=True)
    language = models.CharField(_("language"), max_length=10, default="ja")
    recipient = models.CharField(_("to"), max_length=254)
    # Small rendering context (times, reference); for login codes the code, cleared once sent.
    context = models.JSONField(default=dict, blank=True)
    send_at = models.DateTimeField(_("send at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    provider_id = models.CharField(_("provider id"), max_length=64, blank=True, db_index=True)
    error_code = models.CharField(_("error code"), max_length=32, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Fencing for at-most-once delivery: every claim raises `claim`, and a send task only acts on
    # the row while it still holds the claim it was given; a task redelivered late is ignored.
    claim = models.PositiveIntegerField(default=0)
    # Until when the current claim may sit in SENDING; past it the dispatcher reconciles the row.
    lease_until = models.DateTimeField(null=True, blank=True)
    # Set just before the provider is called and cleared once the outcome is recorded: a row left
    # with it set means a send crashed with an unknown outcome (see dispatch.reconcile_stuck).
    attempt_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # An email sent because an SMS failed points at that SMS.
    fallback_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="fallbacks"
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["send_at", "id"]
        indexes = [
            models.Index(fields=["status", "send_at"]),
            models.Index(fields=["status", "lease_until"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "purpose", "channel", "occurrence"],
                condition=Q(booking__isnull=False),
                name="message_once_per_occurrence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose}/{self.channel} #{self.pk}"

    @property
    def masked_recipient(self) -> str:
        from .masking import mask_recipient

        return mask_recipient(self.recipient)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


FINAL_STATUSES = frozenset(
    {
        Message.Status.SENT,
        Message.Status.DELIVERED,
        Message.Status.FAILED,
        Message.Status.CANCELLED,
        Message.Status.SKIPPED,
    }
)


class SmsOptOut(models.Model):
    """A number that answered STOP: no more SMS to it until it opts back in."""

    phone = models.CharField(_("phone (E.164)"), max_length=20, unique=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    keyword = models.CharField(_("keyword"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("SMS opt-out")
        verbose_name_plural = _("SMS opt-outs")

    def __str__(self) -> str:
        from .masking import mask_phone

        return mask_phone(self.phone)


def _text_history_user(instance: MessageText, request: Any = None, **kwargs: Any) -> Any:
    """Who changed a text: the signed-in user of the request, else the service's actor."""
    if request is not None:
        return request.user
    return instance.updated_by


class MessageText(models.Model):
    """A municipality's own wording of one message, replacing the shipped template for one
    channel, purpose and language. The body is Django template text with the shipped templates'
    variables ({{ municipality }}, {{ site }}, {{ when }}, {{ reference }}…), rendered without
    HTML escaping like the shipped .txt templates. Written through text_services.message_text_save,
    which checks it compiles and, for SMS, fits two segments with no health words and no link."""

    municipality = models.ForeignKey(
        "scheduling.Municipality",
        on_delete=models.CASCADE,
        related_name="message_texts",
        verbose_name=_("municipality"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Message.Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Message.Purpose.choices)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    history = HistoricalRecords(get_user=_text_history_user)

    class Meta:
        verbose_name = _("message text")
        verbose_name_plural = _("message texts")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "channel", "purpose", "language"],
                name="message_text_once_per_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.channel}/{self.purpose}/{self.language}"


from .line_models import LineFriend  # noqa: E402, F401
from .webhook_models import WebhookDelivery, WebhookSubscription  # noqa: E402, F401


class ReminderStop(models.Model):
    """She asked for no more reminders by this channel (a one-tap link in an email, or the
    setting on her bookings page): the SMS way without an inbound SMS. Confirmations, changes
    and sign-in codes still go; reminders already queued are skipped by the dispatcher."""

    class Source(models.TextChoices):
        LINK = "link", _("Link in a message")
        PAGE = "page", _("Her bookings page")

    resident = models.ForeignKey(
        "scheduling.Resident",
        on_delete=models.CASCADE,
        related_name="reminder_stops",
        verbose_name=_("resident"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Message.Channel.choices)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    created_at = models.DateTimeField(_("stopped"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder stop")
        verbose_name_plural = _("reminder stops")
        constraints = [
            models.UniqueConstraint(fields=["resident", "channel"], name="reminder_stop_once"),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.channel}"

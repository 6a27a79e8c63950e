"""The waitlist and earlier offers (issue 16).

A resident whose day is full, or who has a booking and would like an earlier one, asks to be told
when an earlier place frees up at the sites and dates she chose: a `WaitlistEntry`, one active per
pregnancy and contact (a partial unique constraint).

When a matching place is free, the people waiting are offered it ONE AT A TIME, in the order they
asked: the place is held for the person offered (a hold row, the existing mechanism: the exclusion
constraints keep anyone else off it) and a `WaitlistOffer` records it, with its expiry. Not a few
at once: two people chasing one place means one of them taps the link to find it gone, and the
place cannot be held for two. An offer not taken by its expiry releases the hold and the place
passes to the next person; she stays on the list but is not offered that place again.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_offer_token() -> str:
    # 72 random bits: the page also needs her signed in; short, as it must fit in an SMS.
    return secrets.token_urlsafe(9)


class WaitlistEntry(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Waiting")
        FULFILLED = "fulfilled", _("Moved earlier")
        CANCELLED = "cancelled", _("Left the list")

    municipality = models.ForeignKey(
        "scheduling.Municipality",
        on_delete=models.CASCADE,
        related_name="waitlist_entries",
        verbose_name=_("municipality"),
    )
    pregnancy = models.ForeignKey(
        "scheduling.Pregnancy",
        on_delete=models.CASCADE,
        related_name="waitlist_entries",
        verbose_name=_("pregnancy"),
    )
    contact = models.ForeignKey(
        "scheduling.Contact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
    )
    interview_type = models.ForeignKey(
        "scheduling.InterviewType",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("interview type"),
    )
    sites = models.ManyToManyField("scheduling.Site", related_name="+", verbose_name=_("sites"))
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("until"))
    # Her booking when she asked (null: she had none and asked from a full day).
    booking = models.ForeignKey(
        "scheduling.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("her booking"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(_("asked"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pregnancy", "contact"],
                condition=Q(status="active") & Q(contact__isnull=False),
                name="waitlist_one_active_entry_per_pregnancy_contact",
            ),
            models.UniqueConstraint(
                fields=["pregnancy"],
                condition=Q(status="active") & Q(contact__isnull=True),
                name="waitlist_one_active_uncontacted_entry_per_pregnancy",
            ),
            models.CheckConstraint(
                condition=Q(date_to__gte=models.F("date_from")), name="waitlist_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"waitlist {self.pk}"


class WaitlistOffer(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Not taken in time")
        DECLINED = "declined", _("Declined")

    entry = models.ForeignKey(
        WaitlistEntry, on_delete=models.CASCADE, related_name="offers", verbose_name=_("entry")
    )
    # The hold that keeps the place for her while the offer stands (a Booking in status held).
    hold = models.OneToOneField(
        "scheduling.Booking",
        on_delete=models.CASCADE,
        related_name="waitlist_offer",
        verbose_name=_("hold"),
    )
    site = models.ForeignKey(
        "scheduling.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("site")
    )
    start = models.DateTimeField(_("start"))
    token = models.CharField(max_length=32, unique=True, default=new_offer_token)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("offered"))
    expires_at = models.DateTimeField(_("expires"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # The booking she has now: her moved booking, or the new one when she had none.
    booking = models.ForeignKey(
        "scheduling.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booking"),
    )

    class Meta:
        verbose_name = _("earlier-time offer")
        verbose_name_plural = _("earlier-time offers")
        ordering = ["created_at", "pk"]
        constraints = [
            # One person is offered one place at a time.
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(status="pending"),
                name="waitlist_one_pending_offer_per_entry",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"offer {self.pk}"

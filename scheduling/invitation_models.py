"""Invitations out (issue 16): what we asked a pregnant resident to do, and the link that lets her
do it without signing in first.

- `Invitation`: one per pregnancy, contact and kind ("book your interview" after a notification,
  the questionnaire when it falls due, the after-birth contact, one reminder), kept unique by the
  database, so the periodic round (invitation_services.invitations_round) can run any number of
  times and sends nothing twice. "We missed you" is one per missed booking.
- `InvitationLink`: the signed, single-use, expiring link each invitation carries. Only a hash
  of its random token is stored; the token travels in the message's URL. Opening the link shows
  a confirm page; only the POST consumes it (a mail client's link scanner must not burn it),
  signs her in as that resident and scopes her session to that pregnancy.
- `InvitationSettings`: per municipality, the days before one reminder and how long a link lasts
  (no row: the defaults).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

REMINDER_AFTER_DAYS = 7
LINK_VALID_DAYS = 14


class Invitation(models.Model):
    class Kind(models.TextChoices):
        BOOK = "book", _("Book your interview")
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")
        AFTER_BIRTH = "after_birth", _("After-birth contact")
        REMINDER = "reminder", _("Reminder")
        MISSED = "missed", _("We missed you")

    pregnancy = models.ForeignKey(
        "scheduling.Pregnancy",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("pregnancy"),
    )
    contact = models.ForeignKey(
        "scheduling.Contact",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("contact"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The missed booking a "we missed you" is about (one message per missed interview).
    booking = models.ForeignKey(
        "scheduling.Booking",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("missed booking"),
    )
    created_at = models.DateTimeField(_("invited at"))
    # False when no channel could reach her (no mobile, no address): the worklist shows her.
    queued = models.BooleanField(_("message queued"), default=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["pregnancy", "contact", "kind"],
                condition=~Q(kind="missed"),
                name="invitation_once_per_pregnancy_contact_kind",
            ),
            models.UniqueConstraint(
                fields=["booking"],
                condition=Q(kind="missed"),
                name="invitation_missed_once_per_booking",
            ),
            models.CheckConstraint(
                condition=~Q(kind="missed") | Q(booking__isnull=False),
                name="invitation_missed_names_its_booking",
            ),
        ]
        indexes = [models.Index(fields=["kind", "created_at"])]

    def __str__(self) -> str:
        return f"invitation {self.pk} ({self.kind})"


class InvitationLink(models.Model):
    invitation = models.OneToOneField(
        Invitation, on_delete=models.CASCADE, related_name="link", verbose_name=_("invitation")
    )
    pregnancy = models.ForeignKey(
        "scheduling.Pregnancy",
        on_delete=models.CASCADE,
        related_name="invitation_links",
        verbose_name=_("pregnancy"),
    )
    contact = models.ForeignKey(
        "scheduling.Contact",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("contact"),
    )
    # SHA-256 of the token in the URL: a copy of the database does not hand out sign-ins.
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("invitation link")
        verbose_name_plural = _("invitation links")

    def __str__(self) -> str:
        return f"invitation link {self.pk}"


class InvitationSettings(models.Model):
    municipality = models.OneToOneField(
        "scheduling.Municipality",
        on_delete=models.CASCADE,
        related_name="invitation_settings",
        verbose_name=_("municipality"),
    )
    enabled = models.BooleanField(_("send invitations"), default=True)
    reminder_after_days = models.PositiveSmallIntegerField(
        _("remind once after (days without a booking or answer)"), default=REMINDER_AFTER_DAYS
    )
    link_valid_days = models.PositiveSmallIntegerField(
        _("an invitation link works for (days)"), default=LINK_VALID_DAYS
    )

    class Meta:
        verbose_name = _("invitation settings")
        verbose_name_plural = _("invitation settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(reminder_after_days__gte=1) & Q(link_valid_days__gte=1),
                name="invitation_settings_positive_days",
            ),
        ]

    def __str__(self) -> str:
        return f"invitation settings {self.municipality_id}"

"""Call-back tasks (issue 16): the nurses' record of trying to reach a pregnant resident on the
follow-up list (scheduling.worklist). One open task per pregnancy, opened with the first attempt;
each attempt records when, how and the outcome. A task closes with a reason: she was booked
(also derived: a task whose pregnancy has a booking counts as closed), declined, moved away, or
staff closed it. Attempts' notes are private to staff and emptied by retention_purge."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FollowUpTask(models.Model):
    class Reason(models.TextChoices):
        NOT_BOOKED = "not_booked", _("Notified, not booked")
        MISSED = "missed", _("Missed interview")
        FLAGGED = "flagged", _("Flagged questionnaire")

    class CloseReason(models.TextChoices):
        BOOKED = "booked", _("Booked")
        DECLINED = "declined", _("Declined")
        MOVED_AWAY = "moved_away", _("Moved away")

    pregnancy = models.ForeignKey(
        "scheduling.Pregnancy",
        on_delete=models.CASCADE,
        related_name="follow_up_tasks",
        verbose_name=_("pregnancy"),
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    booking = models.ForeignKey(
        "scheduling.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("missed booking"),
    )
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.CharField(
        _("closed because"), max_length=12, choices=CloseReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("call-back task")
        verbose_name_plural = _("call-back tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["pregnancy"],
                condition=Q(closed_at__isnull=True),
                name="follow_up_one_open_task_per_pregnancy",
            ),
        ]

    def __str__(self) -> str:
        return f"task {self.pk}"


class FollowUpAttempt(models.Model):
    class How(models.TextChoices):
        PHONE = "phone", _("Phone call")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("Email")
        VISIT = "visit", _("Home visit")
        LETTER = "letter", _("Letter")

    class Outcome(models.TextChoices):
        BOOKED = "booked", _("Reached and booked")
        WILL_BOOK = "will_book", _("Reached: will book")
        DECLINED = "declined", _("Declined")
        UNREACHABLE = "unreachable", _("Unreachable: home visit")
        MOVED_AWAY = "moved_away", _("Moved away")

    task = models.ForeignKey(
        FollowUpTask, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("task")
    )
    at = models.DateTimeField(_("when"))
    how = models.CharField(_("how"), max_length=8, choices=How.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    note = models.TextField(_("private staff note"), blank=True, max_length=1000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("call-back attempt")
        verbose_name_plural = _("call-back attempts")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"attempt {self.pk}"

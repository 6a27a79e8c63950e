"""A LINE user who follows (or unfollowed) the municipality's official account.

Her LINE user id is personal data that staff never see: it is not shown in staff pages or the
admin, and it is never logged. An unfollow (she blocked the account) is her opt-out of LINE:
nothing goes by LINE while `following` is off. Webhook events may arrive twice or out of order,
so each change carries the event's time and an older event never undoes a newer one.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LineFriend(models.Model):
    user_id = models.CharField(_("LINE user id"), max_length=64, unique=True)
    # Set by the linking step (the official account's link-token flow, docs/notifications.md).
    resident = models.OneToOneField(
        "scheduling.Resident",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="line_friend",
        verbose_name=_("resident"),
    )
    following = models.BooleanField(_("following"), default=True)
    # The LINE event time (milliseconds since the epoch) of the last follow/unfollow applied.
    event_ms = models.BigIntegerField(default=0)
    opted_out_at = models.DateTimeField(_("stopped LINE"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("LINE friend")
        verbose_name_plural = _("LINE friends")

    def __str__(self) -> str:
        return f"LINE friend {self.pk}"

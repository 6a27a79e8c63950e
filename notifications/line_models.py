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
    # sha256 of the last link token LINE issued for this follower: a nonce made with a token
    # links only the follower that token was issued to.
    link_token_hash = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("LINE friend")
        verbose_name_plural = _("LINE friends")

    def __str__(self) -> str:
        return f"LINE friend {self.pk}"


class LineLinkNonce(models.Model):
    """One attempt to link her LINE account (the official account's link-token flow).

    Created when she, signed in, confirms on /line/link/; LINE hands the nonce back in the
    `accountLink` webhook event. Only hashes are kept (a copied table links nobody), it is used
    at most once, and it expires after LINE_LINK_NONCE_MINUTES.
    """

    resident = models.ForeignKey(
        "scheduling.Resident",
        on_delete=models.CASCADE,
        related_name="line_link_nonces",
        verbose_name=_("resident"),
    )
    nonce_hash = models.CharField(max_length=64, unique=True)
    link_token_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("LINE link attempt")
        verbose_name_plural = _("LINE link attempts")

    def __str__(self) -> str:
        return f"LINE link attempt {self.pk}"


class LineOfficialAccount(models.Model):
    """A municipality's LINE official account, as residents see it on their bookings page."""

    municipality = models.OneToOneField(
        "scheduling.Municipality",
        on_delete=models.CASCADE,
        related_name="line_account",
        verbose_name=_("municipality"),
    )
    add_friend_url = models.URLField(
        _("add-friend link"),
        help_text=_("e.g. https://lin.ee/xxxxxxx (LINE Official Account Manager)"),
    )
    qr_code_url = models.URLField(_("QR code image"), blank=True)

    class Meta:
        verbose_name = _("LINE official account")
        verbose_name_plural = _("LINE official accounts")

    def __str__(self) -> str:
        return str(self.add_friend_url)

"""Who: nurses (with the sites they work at) and the staff roles of managers and municipality
administrators. Part of the scheduling app's models (import them from scheduling.models)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .site_models import Municipality, Site


class Nurse(models.Model):
    class Qualification(models.TextChoices):
        PUBLIC_HEALTH_NURSE = "phn", _("Public-health nurse (保健師)")
        MIDWIFE = "midwife", _("Midwife (助産師)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="nurse",
        verbose_name=_("user"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="nurses",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=100)
    qualification = models.CharField(
        _("qualification"),
        max_length=10,
        choices=Qualification.choices,
        default=Qualification.PUBLIC_HEALTH_NURSE,
    )
    sites = models.ManyToManyField(Site, related_name="nurses", verbose_name=_("sites"))
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    # sha256 of the secret calendar-feed token; the token itself is shown once and never stored.
    feed_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    feed_token_created_at = models.DateTimeField(_("calendar feed created"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("nurse")
        verbose_name_plural = _("nurses")
        ordering = ["municipality", "name"]

    def __str__(self) -> str:
        return self.name


class StaffRole(models.Model):
    """A manager of some sites, or an administrator of a whole municipality."""

    class Role(models.TextChoices):
        SITE_MANAGER = "site_manager", _("Site manager")
        MUNICIPALITY_ADMIN = "municipality_admin", _("Municipality administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_roles",
        verbose_name=_("user"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="staff_roles",
        verbose_name=_("municipality"),
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    sites = models.ManyToManyField(
        Site, blank=True, related_name="managers", verbose_name=_("sites (for site managers)")
    )

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "role"], name="staff_role_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.municipality}"

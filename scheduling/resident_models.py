"""Her: the resident (the minimum a nurse needs to meet her; never a My Number field), her
pregnancies, and the languages she may choose. Part of the scheduling app's models (import
them from scheduling.models)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .site_models import Municipality


class Language(models.TextChoices):
    JA = "ja", "日本語"
    JA_EASY = "ja-easy", "やさしい にほんご"
    EN = "en", "English"
    ZH = "zh-hans", "简体中文"
    KO = "ko", "한국어"
    VI = "vi", "Tiếng Việt"
    NE = "ne", "नेपाली"
    TL = "tl", "Tagalog"
    PT = "pt", "Português"
    ES = "es", "Español"
    ID = "id", "Bahasa Indonesia"
    TH = "th", "ไทย"


class Resident(models.Model):
    """The minimum a nurse needs to meet her. Never a My Number field."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="resident",
        verbose_name=_("user"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name in kana"), max_length=100, blank=True)
    phone = models.CharField(_("mobile phone (E.164)"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=Language.choices, default=Language.JA
    )
    sms_opt_out = models.BooleanField(_("SMS opted out"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when retention_purge removed her details (name, contacts, sign-in); the row stays so
    # the report figures over her past bookings stay the same.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")

    def __str__(self) -> str:
        return f"resident {self.pk}"


class PregnancyOutcome(models.TextChoices):
    BIRTH = "birth", _("Birth")
    MISCARRIAGE = "miscarriage", _("Miscarriage")
    STILLBIRTH = "stillbirth", _("Stillbirth")


class Pregnancy(models.Model):
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="pregnancies", verbose_name=_("resident")
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    handbook_number = models.CharField(_("maternal handbook number"), max_length=30, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=Language.choices, default=Language.JA
    )
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    first_pregnancy = models.BooleanField(_("first pregnancy"), null=True, blank=True)
    notes = models.TextField(_("notes from the resident"), blank=True, max_length=1000)
    is_active = models.BooleanField(_("ongoing"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Issue 15: the contacts' windows count from these (notification: notified_on, else created).
    notified_on = models.DateField(_("pregnancy notified on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=PregnancyOutcome.choices, blank=True
    )
    ended_on = models.DateField(_("birth or end on"), null=True, blank=True)
    babies = models.PositiveSmallIntegerField(_("number of babies"), null=True, blank=True)

    class Meta:
        verbose_name = _("pregnancy")
        verbose_name_plural = _("pregnancies")

    def __str__(self) -> str:
        return f"pregnancy {self.pk}"

    def gestational_week_on(self, day: dt.date) -> int | None:
        """Completed weeks on `day`, counted from the due date (40 weeks + 0 days)."""
        if self.due_date is None:
            return None
        days_pregnant = 280 - (self.due_date - day).days
        return days_pregnant // 7

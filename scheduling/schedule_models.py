"""When a nurse can meet: her weekly hours at a site, her time off, and the outside calendars
whose events block bookings (with the busy blocks read from them). Part of the scheduling app's
models (import them from scheduling.models)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .site_models import Site
from .staff_models import Nurse


class AvailabilityRule(models.Model):
    """A nurse works at a site on a weekday between two times, within validity dates.

    Several rows for the same weekday give several ranges a day (e.g. 09:00–12:00, 13:00–16:30).
    """

    nurse = models.ForeignKey(
        Nurse, on_delete=models.CASCADE, related_name="rules", verbose_name=_("nurse")
    )
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="rules", verbose_name=_("site")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday (Monday=0)"))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    # Remote hours (issue 15): video/phone interviews from `site` as her base; no room, and the
    # site's opening days do not apply. In-person slots never use remote hours.
    remote = models.BooleanField(_("remote hours (video/phone)"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("weekly availability")
        verbose_name_plural = _("weekly availability")
        ordering = ["nurse", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="rule_weekday"),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="rule_times_ordered"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="rule_validity_ordered",
            ),
        ]
        indexes = [models.Index(fields=["site", "weekday"])]

    def __str__(self) -> str:
        return f"{self.nurse} @ {self.site} {self.weekday} {self.start_time}–{self.end_time}"


class TimeOff(models.Model):
    """A nurse is away; with `weekly_until` the same hours repeat every week until that date."""

    nurse = models.ForeignKey(
        Nurse, on_delete=models.CASCADE, related_name="time_off", verbose_name=_("nurse")
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    weekly_until = models.DateField(_("repeat weekly until"), null=True, blank=True)
    reason = models.CharField(_("reason (staff only)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("time off")
        verbose_name_plural = _("time off")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="timeoff_ordered"),
        ]
        indexes = [models.Index(fields=["nurse", "start"])]

    def __str__(self) -> str:
        return f"{self.nurse}: {self.start:%Y-%m-%d %H:%M}–{self.end:%Y-%m-%d %H:%M}"


class ExternalCalendar(models.Model):
    """An outside calendar (Google, Outlook, iCloud) whose events block bookings."""

    nurse = models.ForeignKey(
        Nurse, on_delete=models.CASCADE, related_name="calendars", verbose_name=_("nurse")
    )
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("ICS address"), max_length=2000, blank=True)
    uploaded_ics = models.TextField(_("uploaded file"), blank=True)
    etag = models.CharField(max_length=200, blank=True)
    last_modified_header = models.CharField(max_length=100, blank=True)
    last_synced_at = models.DateTimeField(_("last synced"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last successful sync"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    # sha256 of the last body turned into blocks, and how far ahead they reach: an unchanged
    # file is not expanded again until the booking horizon has moved past `expanded_until`.
    content_sha256 = models.CharField(max_length=64, blank=True)
    expanded_until = models.DateTimeField(null=True, blank=True)
    block_count = models.PositiveIntegerField(_("busy times"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("external calendar")
        verbose_name_plural = _("external calendars")

    def __str__(self) -> str:
        return self.name


class BusyBlock(models.Model):
    """A busy time imported from an external calendar; titles are never stored."""

    nurse = models.ForeignKey(
        Nurse, on_delete=models.CASCADE, related_name="busy_blocks", verbose_name=_("nurse")
    )
    calendar = models.ForeignKey(
        ExternalCalendar,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="blocks",
        verbose_name=_("calendar"),
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))

    class Meta:
        verbose_name = _("busy block")
        verbose_name_plural = _("busy blocks")
        indexes = [models.Index(fields=["nurse", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="busy_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.nurse}: {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"

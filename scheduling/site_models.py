"""Where and what: the municipality (the top of all data), its sites and their closures, and the
interview types it offers. Part of the scheduling app's models (import them from
scheduling.models)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Municipality(models.Model):
    class HolidayCalendar(models.TextChoices):
        JAPAN = "jp", _("Japanese national holidays")
        NONE = "none", _("No public holidays")

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    branding_name = models.CharField(
        _("programme name"), max_length=100, help_text=_("e.g. ゆりかご面接")
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Tokyo")
    holiday_calendar = models.CharField(
        _("holidays"), max_length=8, choices=HolidayCalendar.choices, default=HolidayCalendar.JAPAN
    )
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # APPI: how long a resident's details are kept after her last contact; empty keeps them.
    retention_days = models.PositiveIntegerField(
        _("keep residents' data for (days after the last contact)"),
        null=True,
        blank=True,
        help_text=_("Empty: kept until this is set. manage.py retention_purge applies it."),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class Site(models.Model):
    """A health centre or other venue, with its own days, hours, rooms and closures."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="sites", verbose_name=_("municipality")
    )
    code = models.SlugField(_("code"))
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200)
    access_note = models.CharField(_("how to get there"), max_length=200, blank=True)
    rooms = models.PositiveSmallIntegerField(_("interview rooms"), default=1)
    # Weekdays open, Monday=0 … Sunday=6.
    open_weekdays = models.JSONField(
        _("open weekdays"), default=list, help_text=_("Monday=0 … Sunday=6, e.g. [0,1,2,3,4]")
    )
    closed_on_public_holidays = models.BooleanField(_("closed on public holidays"), default=True)
    # Pairs [n, weekday]: [[2, 6]] means closed on the 2nd Sunday of every month.
    closed_nth_weekdays = models.JSONField(
        _("closed on nth weekdays"),
        default=list,
        blank=True,
        help_text=_("e.g. [[2, 6]] = the 2nd Sunday"),
    )
    year_end_start = models.CharField(
        _("year-end closure from (MM-DD)"), max_length=5, default="12-29", blank=True
    )
    year_end_end = models.CharField(
        _("year-end closure until (MM-DD)"), max_length=5, default="01-03", blank=True
    )
    last_start_time = models.TimeField(_("last interview starts at"), null=True, blank=True)
    min_notice_days = models.PositiveSmallIntegerField(
        _("minimum notice for online booking (days)"),
        null=True,
        blank=True,
        help_text=_("Overrides the interview type's minimum notice at this site."),
    )
    modes = models.JSONField(
        _("modes offered"), default=list, blank=True, help_text=_('e.g. ["in_person", "video"]')
    )
    is_active = models.BooleanField(_("active"), default=True)
    ordering_key = models.PositiveSmallIntegerField(_("order"), default=0)
    # sha256 of the managers' secret calendar-feed token for this site; shown once, never stored.
    feed_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    feed_token_created_at = models.DateTimeField(_("calendar feed created"), null=True, blank=True)
    # Configuration keeps its history (who changed what, when); the feed token is no setting.
    history = HistoricalRecords(excluded_fields=["feed_token_hash", "feed_token_created_at"])

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["municipality", "ordering_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="site_code_unique"),
            models.CheckConstraint(condition=Q(rooms__gte=1), name="site_has_a_room"),
        ]

    def __str__(self) -> str:
        return self.name


class SiteClosure(models.Model):
    """An ad-hoc closure: for one site, or (site empty) for every site of the municipality."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="closures",
        verbose_name=_("municipality"),
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("site"),
    )
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(date_to__gte=models.F("date_from")), name="closure_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site or self.municipality}: {self.date_from}–{self.date_to}"


class InterviewType(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="interview_types",
        verbose_name=_("municipality"),
    )
    code = models.SlugField(_("code"))
    name = models.CharField(_("name"), max_length=100)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=30)
    buffer_minutes = models.PositiveSmallIntegerField(_("buffer after (minutes)"), default=0)
    slot_step_minutes = models.PositiveSmallIntegerField(
        _("start times every (minutes)"), default=30
    )
    modes = models.JSONField(_("modes"), default=list, help_text=_('e.g. ["in_person", "video"]'))
    min_notice_hours = models.PositiveSmallIntegerField(_("minimum notice (hours)"), default=24)
    max_days_ahead = models.PositiveSmallIntegerField(_("bookable up to (days ahead)"), default=60)
    hold_minutes = models.PositiveSmallIntegerField(_("hold kept for (minutes)"), default=10)
    cancel_deadline_business_days = models.PositiveSmallIntegerField(
        _("cancel until N business days before"), default=1
    )
    cancel_deadline_time = models.TimeField(_("cancel until (time of day)"), default=dt.time(11, 0))
    reminder_hours_before = models.JSONField(
        _("reminders (hours before)"), default=list, blank=True, help_text=_("e.g. [72, 24]")
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("interview type")
        verbose_name_plural = _("interview types")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="itype_code_unique"),
            models.CheckConstraint(condition=Q(duration_minutes__gte=5), name="itype_duration"),
            models.CheckConstraint(condition=Q(slot_step_minutes__gte=5), name="itype_step"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.duration_minutes)

    @property
    def buffer(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.buffer_minutes)

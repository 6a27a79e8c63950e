"""The booking domain. Municipality is the top of all data so a second ward is configuration only.

Invariants live here as constraints:
- a nurse is never in two active bookings or holds at once (exclusion constraint on PostgreSQL,
  serialised IMMEDIATE transactions on SQLite, see services.py);
- an in-person room is never double-booked (same, per site and room);
- a pregnancy has at most one active booking per contact (partial unique constraints; the
  contacts of a pregnancy are in contact_models.py).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import ClassVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Readable on the phone: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
REFERENCE_LENGTH = 8


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def format_reference(reference: str) -> str:
    return f"{reference[:4]}-{reference[4:]}"


class PostgresExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint on PostgreSQL; a no-op elsewhere.

    SQLite has no exclusion constraints: there the same invariant holds because every write
    transaction is IMMEDIATE (serialised) and the booking service checks before it inserts.
    """

    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        if connections[using].vendor != "postgresql":
            return
        super().validate(model, instance, exclude=exclude, using=using)


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = models.DateTimeField()


class YurikagoUserManager(UserManager["User"]):
    use_in_migrations = True

    def _create_user(self, username, email, password, **extra_fields):
        # None, not "": email is unique but optional (residents may sign in by phone only).
        email = self.normalize_email(email) if email else None
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: a resident (by one-time code), or staff (password + TOTP).

    Roles are not a field: a person is a resident if she has a Resident profile, a nurse if she has
    a Nurse profile, and a manager or administrator through StaffRole rows, so one person may hold
    several roles.
    """

    username = None  # type: ignore[assignment]
    # Nullable where AbstractUser's is not (residents may sign in by phone only): Django lets a
    # subclass redeclare an abstract model's field; the stubs type the inherited one as str.
    email = models.EmailField(  # type: ignore[assignment]
        _("email address"), unique=True, null=True, blank=True
    )
    phone = models.CharField(
        _("mobile phone (E.164)"), max_length=20, unique=True, null=True, blank=True
    )
    phone_verified = models.BooleanField(_("phone verified"), default=False)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = YurikagoUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email or self.phone or f"user {self.pk}"


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


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video")
    PHONE = "phone", _("Phone")


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


class BookingQuerySet(models.QuerySet["Booking"]):
    def active(self, now: dt.datetime | None = None) -> BookingQuerySet:
        """Confirmed bookings and holds that have not expired."""
        now = now or timezone.now()
        return self.filter(
            Q(status=Booking.Status.CONFIRMED) | Q(status=Booking.Status.HELD, expires_at__gt=now)
        )

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> BookingQuerySet:
        return self.filter(start__lt=end, blocked_until__gt=start)


class Booking(models.Model):
    """An interview (or a hold on one) for a pregnancy, with a nurse, at a site.

    Rescheduling changes this row in place: the reference and calendar UID stay, `sequence`
    rises, and the old time is kept in the event log.
    """

    class Status(models.TextChoices):
        HELD = "held", _("Held")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("No-show")
        EXPIRED = "expired", _("Hold expired")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online by the resident")
        STAFF = "staff", _("By staff on her behalf")
        API = "api", _("Through the API")

    ACTIVE_STATUSES = (Status.HELD, Status.CONFIRMED)

    reference = models.CharField(
        _("reference"), max_length=REFERENCE_LENGTH, unique=True, default=new_reference
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("municipality"),
    )
    pregnancy = models.ForeignKey(
        Pregnancy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("pregnancy"),
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("site")
    )
    nurse = models.ForeignKey(
        Nurse, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("nurse")
    )
    interview_type = models.ForeignKey(
        InterviewType,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("interview type"),
    )
    # Issue 15: which contact of her pregnancy this booking is for (null: booked before contacts).
    contact = models.ForeignKey(
        "scheduling.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("contact"),
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    room = models.PositiveSmallIntegerField(_("room"), null=True, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # end + the type's buffer: the nurse is not free again before this.
    blocked_until = models.DateTimeField()
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.HELD, db_index=True
    )
    expires_at = models.DateTimeField(_("hold expires"), null=True, blank=True)
    channel = models.CharField(
        _("booked"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # Who holds it before there is a pregnancy: the session or user that placed the hold.
    hold_owner = models.CharField(max_length=64, blank=True)
    notify_sms = models.BooleanField(_("remind by SMS"), default=True)
    notify_email = models.BooleanField(_("remind by email"), default=False)
    language = models.CharField(
        _("message language"), max_length=10, choices=Language.choices, default=Language.JA
    )
    sequence = models.PositiveIntegerField(default=0)
    video_url = models.URLField(_("video link"), blank=True)
    staff_notes = models.TextField(_("private staff notes"), blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)
    calendar_conflict = models.BooleanField(_("overlaps an external calendar event"), default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start"]
        indexes = [
            models.Index(fields=["nurse", "start"]),
            models.Index(fields=["site", "start"]),
            models.Index(fields=["municipality", "start"]),
            # GET /api/v1/bookings/?updated_since=…: the cursor walks (updated_at, id) in order.
            models.Index(fields=["updated_at", "id"], name="booking_updated_at_id"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="booking_ordered"),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=models.F("end")), name="booking_buffer_after_end"
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(expires_at__isnull=False),
                name="booking_hold_expires",
            ),
            models.UniqueConstraint(
                fields=["pregnancy", "contact"],
                condition=Q(status__in=["held", "confirmed"])
                & Q(pregnancy__isnull=False)
                & Q(contact__isnull=False),
                name="one_active_booking_per_pregnancy_contact",
            ),
            # A booking without a contact (none configured) keeps the old rule: one per pregnancy.
            models.UniqueConstraint(
                fields=["pregnancy"],
                condition=Q(status__in=["held", "confirmed"])
                & Q(pregnancy__isnull=False)
                & Q(contact__isnull=True),
                name="one_active_uncontacted_booking_per_pregnancy",
            ),
            # PostgreSQL only (ExclusionConstraint is skipped by other backends).
            PostgresExclusionConstraint(
                name="no_nurse_double_booking",
                expressions=[
                    (TsTzRange("start", "blocked_until"), RangeOperators.OVERLAPS),
                    ("nurse", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=["held", "confirmed"]),
            ),
            PostgresExclusionConstraint(
                name="no_room_double_booking",
                expressions=[
                    (TsTzRange("start", "blocked_until"), RangeOperators.OVERLAPS),
                    ("site", RangeOperators.EQUAL),
                    ("room", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=["held", "confirmed"]) & Q(room__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return format_reference(self.reference)

    @property
    def display_reference(self) -> str:
        return format_reference(self.reference)

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def calendar_uid(self) -> str:
        """Stable across edits and reschedules, so calendars update the event in place."""
        return f"booking-{self.reference}@yurikago"


class BookingEvent(models.Model):
    """Who did what to a booking, and when. `data` holds times and ids, never health detail."""

    class Kind(models.TextChoices):
        HELD = "held", _("Held")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("No-show")
        RELEASED = "released", _("Hold released")
        EXPIRED = "expired", _("Hold expired")
        UPDATED = "updated", _("Updated")

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="events", verbose_name=_("booking")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_is_staff = models.BooleanField(_("by staff"), default=False)
    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class AccessLog(models.Model):
    """Every time staff open a resident's details (APPI: who saw which record, when)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    booking = models.ForeignKey(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booking"),
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident"),
    )
    action = models.CharField(_("action"), max_length=50, default="view")

    class Meta:
        verbose_name = _("access log")
        verbose_name_plural = _("access log")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


# Issue 15's contacts live in their own module (size); imported here so they are this app's models.
from .contact_models import Contact, PregnancyContact  # noqa: E402, F401
from .followup_models import FollowUpAttempt, FollowUpTask  # noqa: E402, F401

# Issue 15's home visits (addresses, districts, visit blocks, visits): their own module too.
from .home_visit_models import (  # noqa: E402, F401
    District,
    DistrictTown,
    HomeVisit,
    ResidentAddress,
    VisitBlock,
)
from .notification_models import PregnancyNotification  # noqa: E402, F401

# Issue 16's questionnaires (アンケート): their own module too.
from .questionnaire_models import (  # noqa: E402, F401
    Answer,
    Choice,
    Question,
    Questionnaire,
    QuestionnaireResponse,
)
from .waitlist_models import WaitlistEntry, WaitlistOffer  # noqa: E402, F401

# Issue 16's invitations out (and their sign-in links): their own module too.
from .invitation_models import Invitation, InvitationLink, InvitationSettings  # noqa: E402, F401

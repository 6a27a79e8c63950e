"""The booking domain. Municipality is the top of all data so a second ward is configuration only.

This module holds the booking itself (Booking, its events, the access log), the sign-in User and
the helpers migrations refer to by this path; every other entity lives in a module of its own
(site_models, staff_models, schedule_models, resident_models, contact_models, …) and is
imported here, so `from scheduling.models import X` works for every model of the app.

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

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The entities by module; imported (and so re-exported) here because Booking refers to them and
# every caller imports models from scheduling.models.
from .resident_models import Language, Pregnancy, PregnancyOutcome, Resident  # noqa: F401
from .schedule_models import AvailabilityRule, BusyBlock, ExternalCalendar, TimeOff  # noqa: F401
from .site_models import InterviewType, Municipality, Site, SiteClosure  # noqa: F401
from .staff_models import Nurse, StaffRole  # noqa: F401

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


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video")
    PHONE = "phone", _("Phone")


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

# Issue 16's invitations out (and their sign-in links): their own module too.
from .invitation_models import Invitation, InvitationLink, InvitationSettings  # noqa: E402, F401
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

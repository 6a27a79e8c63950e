"""The contacts of a pregnancy (issue 15): what a municipality's programme offers each pregnancy.

Since April 2025 every municipality runs 妊婦等包括相談支援事業 with three contacts per pregnancy
(at notification, around the 8th month, after birth). Which contacts there are, and how they
happen, is configuration: a `Contact` per municipality, loaded from the municipality file.

A contact's status for one pregnancy is part stored, part derived:
- stored, in `PregnancyContact` (one row per pregnancy and contact, created when something is
  recorded): invited, done, missed, declined, not needed, with who did it, the outcome and private
  notes. Staff and services write these; a row is the record of what happened.
- derived, when no row decides it: booked (an active booking for the contact), due (today inside
  the contact's window), not yet due, or past its window. See `scheduling.contacts.contact_status`.

A contact that needs a booking points to the `InterviewType` that is its bookable side (duration,
notice, reminders, cancellation rules); a booking records its contact, and the database keeps one
active booking per pregnancy per contact.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Contact(models.Model):
    class Kind(models.TextChoices):
        SITE_INTERVIEW = "site_interview", _("Interview at a site")
        REMOTE_INTERVIEW = "remote_interview", _("Remote interview (video or phone)")
        HOME_VISIT = "home_visit", _("Home visit")
        QUESTIONNAIRE = "questionnaire", _("Questionnaire only")

    class DueBasis(models.TextChoices):
        NOTIFICATION = "notification", _("At the pregnancy notification")
        GESTATION_WEEKS = "gestation_weeks", _("Weeks of pregnancy (from the due date)")
        DAYS_AFTER_BIRTH = "days_after_birth", _("Days after birth")

    class Qualification(models.TextChoices):
        EITHER = "either", _("Public-health nurse or midwife")
        PUBLIC_HEALTH_NURSE = "phn", _("Public-health nurse (保健師)")
        MIDWIFE = "midwife", _("Midwife (助産師)")

    municipality = models.ForeignKey(
        "scheduling.Municipality",
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("municipality"),
    )
    code = models.SlugField(_("code"))
    # Japanese is the fallback; name_translations holds the other languages, {"en": "..."}.
    name = models.CharField(_("name"), max_length=100)
    name_translations = models.JSONField(_("name in other languages"), default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    due_basis = models.CharField(
        _("falls due"), max_length=20, choices=DueBasis.choices, default=DueBasis.NOTIFICATION
    )
    # Weeks of pregnancy (gestation_weeks) or days after birth (days_after_birth), inclusive.
    due_from = models.PositiveSmallIntegerField(_("due from"), null=True, blank=True)
    due_until = models.PositiveSmallIntegerField(_("due until"), null=True, blank=True)
    qualification = models.CharField(
        _("who may do it"), max_length=10, choices=Qualification.choices, default="either"
    )
    sites = models.ManyToManyField(
        "scheduling.Site", blank=True, related_name="contacts", verbose_name=_("sites")
    )
    # Home visits: the districts (地区担当) whose nurses do it (none: every district).
    districts = models.ManyToManyField(
        "scheduling.District", blank=True, related_name="contacts", verbose_name=_("districts")
    )
    modes = models.JSONField(_("modes"), default=list, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=30)
    needs_booking = models.BooleanField(_("needs a booking"), default=True)
    # Offered to those who ask (Katsushika's 妊娠後期訪問), not expected of everyone.
    optional = models.BooleanField(_("only for those who ask"), default=False)
    interview_type = models.ForeignKey(
        "scheduling.InterviewType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("interview type (how it is booked)"),
    )
    bring = models.TextField(_("what to bring"), blank=True)
    bring_translations = models.JSONField(
        _("what to bring in other languages"), default=dict, blank=True
    )
    # For phone interviews: the number we call from (blank: the municipality's contact phone).
    call_from = models.CharField(_("we call from"), max_length=20, blank=True)
    ordering_key = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["municipality", "ordering_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="contact_code_unique"),
            models.CheckConstraint(
                condition=Q(due_from__isnull=True)
                | Q(due_until__isnull=True)
                | Q(due_until__gte=models.F("due_from")),
                name="contact_due_ordered",
            ),
            models.CheckConstraint(
                condition=Q(needs_booking=False)
                | Q(interview_type__isnull=False)
                | Q(kind__in=["home_visit", "questionnaire"]),
                name="contact_booking_has_a_type",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.due_from is not None
            and self.due_until is not None
            and self.due_until < self.due_from
        ):
            raise ValidationError({"due_until": _("The window ends before it starts.")})

    def name_in(self, language: str) -> str:
        return str(self.name_translations.get(language) or self.name)

    def bring_in(self, language: str) -> str:
        return str(self.bring_translations.get(language) or self.bring)

    @property
    def is_remote(self) -> bool:
        return self.kind == self.Kind.REMOTE_INTERVIEW


class PregnancyContact(models.Model):
    """What was recorded about one contact of one pregnancy (see the module docstring)."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        DONE = "done", _("Done")
        MISSED = "missed", _("Missed")
        DECLINED = "declined", _("Declined")
        NOT_NEEDED = "not_needed", _("Not needed")

    pregnancy = models.ForeignKey(
        "scheduling.Pregnancy",
        on_delete=models.CASCADE,
        related_name="contact_records",
        verbose_name=_("pregnancy"),
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="records", verbose_name=_("contact")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        "scheduling.Nurse",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    booking = models.ForeignKey(
        "scheduling.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booking"),
    )
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    staff_notes = models.TextField(_("private staff notes"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("contact of a pregnancy")
        verbose_name_plural = _("contacts of pregnancies")
        constraints = [
            models.UniqueConstraint(
                fields=["pregnancy", "contact"], name="one_record_per_pregnancy_contact"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pregnancy} · {self.contact} · {self.status}"

"""Retention (APPI): a resident's details are kept for her municipality's retention period after
her last contact, then removed.

Last contact, today: the latest start of any booking of any of her pregnancies, or when she was
registered if she never booked (the "contacts" of a pregnancy, ARCHITECTURE.md, will join this
when they exist). A resident is due when that is older than `Municipality.retention_days`.

What the purge does, in one transaction per municipality:
- the resident and her user: name, kana, phone, email and sign-in removed (the user can never
  sign in again; allauth's email rows go), `anonymised_at` set;
- her pregnancies: handbook number and notes emptied (the due date stays: the report's
  gestation figure reads it, and without her it points at nobody); their pregnancy
  notifications (issue 16): date of birth and address emptied (date, counter, district and the
  municipality's record key stay: coverage counts them, and a re-import must not bring her back);
  their call-back attempts: the private notes emptied (when, how and the outcome stay);
- her bookings: staff notes, cancellation reason, video link and hold owner emptied; the rows
  stay, so utilisation, attendance, channel and lead-time figures do not change;
- their messages: recipient, rendering context and provider error emptied (the failed-message
  count stays);
- her address for home visits (issue 15): deleted; what staff recorded at each contact: the
  outcome, reason and private notes emptied (status and date stay);
- access-log rows about her or her bookings: deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from .contact_models import PregnancyContact
from .followup_models import FollowUpAttempt
from .home_visit_models import ResidentAddress
from .models import (
    AccessLog,
    Booking,
    Municipality,
    Pregnancy,
    PregnancyNotification,
    Resident,
    User,
)
from .questionnaire_models import QuestionnaireResponse


@dataclass(frozen=True)
class RetentionCounts:
    municipality: str
    retention_days: int | None
    residents: int = 0
    pregnancies: int = 0
    bookings: int = 0
    messages: int = 0
    access_log_rows: int = 0

    def line(self) -> str:
        return (
            f"{self.municipality}: residents {self.residents}, pregnancies {self.pregnancies}, "
            f"bookings {self.bookings}, messages {self.messages}, "
            f"access-log rows {self.access_log_rows}"
        )


def residents_due(*, municipality: Municipality, now: dt.datetime) -> QuerySet[Resident]:
    """Residents of the municipality whose last contact is older than its retention period."""
    if municipality.retention_days is None:
        return Resident.objects.none()
    cutoff = now - dt.timedelta(days=municipality.retention_days)
    return (
        Resident.objects.filter(municipality=municipality, anonymised_at__isnull=True)
        .annotate(
            last_contact=Greatest(
                "created_at",
                Coalesce(Max("pregnancies__bookings__start"), "created_at"),
            )
        )
        .filter(last_contact__lt=cutoff)
    )


def _related(resident_ids: list[int]) -> tuple[QuerySet, QuerySet, QuerySet, QuerySet]:
    from notifications.models import Message

    pregnancies = Pregnancy.objects.filter(resident_id__in=resident_ids)
    bookings = Booking.objects.filter(pregnancy__resident_id__in=resident_ids)
    messages = Message.objects.filter(booking__in=bookings)
    access = AccessLog.objects.filter(Q(resident_id__in=resident_ids) | Q(booking__in=bookings))
    return pregnancies, bookings, messages, access


def retention_counts(*, municipality: Municipality, now: dt.datetime) -> RetentionCounts:
    """What a purge at `now` would change (the dry run and the admin page)."""
    resident_ids = list(
        residents_due(municipality=municipality, now=now).values_list("id", flat=True)
    )
    pregnancies, bookings, messages, access = _related(resident_ids)
    return RetentionCounts(
        municipality=municipality.code,
        retention_days=municipality.retention_days,
        residents=len(resident_ids),
        pregnancies=pregnancies.count(),
        bookings=bookings.count(),
        messages=messages.count(),
        access_log_rows=access.count(),
    )


def retention_purge(
    *, municipality: Municipality, now: dt.datetime | None = None
) -> RetentionCounts:
    """Anonymise every resident due at `now`, with her pregnancies, bookings and messages, and
    delete the access-log rows about them. Returns what it changed."""
    from allauth.account.models import EmailAddress

    now = now or timezone.now()
    with transaction.atomic():
        counts = retention_counts(municipality=municipality, now=now)
        due = residents_due(municipality=municipality, now=now).values_list("id", flat=True)
        # Locked apart from the aggregate: PostgreSQL allows no FOR UPDATE with GROUP BY.
        resident_ids = list(
            Resident.objects.select_for_update()
            .filter(id__in=list(due), anonymised_at__isnull=True)
            .values_list("id", flat=True)
        )
        pregnancies, bookings, messages, access = _related(resident_ids)
        access.delete()
        messages.update(recipient="", context={}, last_error="")
        bookings.update(staff_notes="", cancel_reason="", video_url="", hold_owner="")
        pregnancies.update(handbook_number="", notes="", is_active=False)
        # Issue 15: her address for home visits goes; what staff recorded at each contact keeps
        # its status and date (coverage counts them), not the outcome, reason or private notes.
        ResidentAddress.objects.filter(resident_id__in=resident_ids).delete()
        PregnancyContact.objects.filter(pregnancy__in=pregnancies).update(
            outcome="", reason="", staff_notes=""
        )
        # Issue 16: her notification's date of birth and address; what the coverage figures
        # count (date, counter, district) and the record key (so a re-import skips her) stay.
        PregnancyNotification.objects.filter(pregnancy__in=pregnancies).update(
            date_of_birth=None, address=""
        )
        # Call-back attempts: the private notes; when, how and the outcome stay.
        FollowUpAttempt.objects.filter(task__pregnancy__in=pregnancies).update(note="")
        # Questionnaire answers (issue 16) are health details: deleted, drafts and sent alike.
        QuestionnaireResponse.objects.filter(pregnancy__in=pregnancies).delete()
        user_ids = list(
            Resident.objects.filter(id__in=resident_ids).values_list("user_id", flat=True)
        )
        EmailAddress.objects.filter(user_id__in=user_ids).delete()
        for user in User.objects.filter(id__in=user_ids):
            user.email = None
            user.phone = None
            user.phone_verified = False
            user.display_name = ""
            user.first_name = ""
            user.last_name = ""
            user.is_active = False
            user.set_unusable_password()
            user.save()
        Resident.objects.filter(id__in=resident_ids).update(
            name="", name_kana="", phone="", email="", anonymised_at=now
        )
    return counts

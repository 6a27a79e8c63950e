"""Writes staff make for residents: booking on her behalf, private notes, the access log.

Booking on behalf goes through the same booking service as online booking (same availability,
same conflicts, same messages); staff=True lets it inside the minimum notice and past the
cancellation deadline, never onto a taken nurse or room.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import BookingError
from .models import (
    AccessLog,
    Booking,
    BookingEvent,
    InterviewType,
    Language,
    Mode,
    Municipality,
    Pregnancy,
    Resident,
    Site,
    User,
)
from .services import booking_create


def resident_find_or_create(
    *,
    municipality: Municipality,
    phone: str,
    name: str,
    name_kana: str = "",
    email: str = "",
    preferred_language: str = Language.JA,
) -> tuple[Resident, bool]:
    """The resident with this phone number (E.164) in this municipality, or a new one.

    A number already registered in another municipality is refused without saying where: the
    caller may be a nurse, and a nurse sees nothing outside her municipality.
    """
    resident = Resident.objects.filter(municipality=municipality, phone=phone).first()
    if resident is not None:
        return resident, False
    user = User.objects.filter(phone=phone).first()
    if user is not None and Resident.objects.filter(user=user).exists():
        raise BookingError(
            "invalid",
            _("This phone number cannot be used here. Please check it, or ask an administrator."),
            field="phone",
        )
    if user is None:
        email_free = bool(email) and not User.objects.filter(email__iexact=email).exists()
        user = User.objects.create_user(
            email=email if email_free else None, phone=phone, display_name=name
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
    resident = Resident.objects.create(
        user=user,
        municipality=municipality,
        name=name,
        name_kana=name_kana,
        phone=phone,
        email=email,
        preferred_language=preferred_language,
    )
    return resident, True


def _pregnancy_for(
    resident: Resident,
    *,
    due_date: dt.date | None,
    language: str,
    interpreter_needed: bool,
    first_pregnancy: bool | None,
    notes: str,
) -> Pregnancy:
    """Her ongoing pregnancy (filled in with what she told us now), or a new one."""
    pregnancy = resident.pregnancies.filter(is_active=True).order_by("-created_at").first()
    if pregnancy is None:
        return Pregnancy.objects.create(
            resident=resident,
            due_date=due_date,
            preferred_language=language,
            interpreter_needed=interpreter_needed,
            first_pregnancy=first_pregnancy,
            notes=notes[:1000],
        )
    if due_date:
        pregnancy.due_date = due_date
    if first_pregnancy is not None:
        pregnancy.first_pregnancy = first_pregnancy
    if notes:
        pregnancy.notes = notes[:1000]
    pregnancy.preferred_language = language
    pregnancy.interpreter_needed = interpreter_needed
    pregnancy.save()
    return pregnancy


def booking_create_on_behalf(
    *,
    site: Site,
    interview_type: InterviewType,
    start: dt.datetime,
    mode: str = Mode.IN_PERSON,
    phone: str,
    name: str,
    name_kana: str = "",
    email: str = "",
    language: str = Language.JA,
    due_date: dt.date | None = None,
    interpreter_needed: bool = False,
    first_pregnancy: bool | None = None,
    notes: str = "",
    notify_sms: bool = True,
    notify_email: bool = False,
    actor: User,
    now: dt.datetime | None = None,
) -> Booking:
    """A phone or walk-in booking: find or create her, then book as staff, all or nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        resident, _created = resident_find_or_create(
            municipality=site.municipality,
            phone=phone,
            name=name,
            name_kana=name_kana,
            email=email,
            preferred_language=language,
        )
        pregnancy = _pregnancy_for(
            resident,
            due_date=due_date,
            language=language,
            interpreter_needed=interpreter_needed,
            first_pregnancy=first_pregnancy,
            notes=notes,
        )
        return booking_create(
            site=site,
            interview_type=interview_type,
            start=start,
            pregnancy=pregnancy,
            mode=mode,
            notify_sms=notify_sms,
            notify_email=notify_email,
            language=language,
            actor=actor,
            staff=True,
            channel=Booking.Channel.STAFF,
            now=now,
        )


def booking_update_staff_details(
    *,
    booking: Booking,
    staff_notes: str,
    video_url: str,
    actor: User,
) -> Booking:
    """Private notes and the video link. The event names the fields, never their content."""
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        changed = [
            name
            for name, value in (("staff_notes", staff_notes), ("video_url", video_url))
            if getattr(locked, name) != value
        ]
        if not changed:
            return locked
        locked.staff_notes, locked.video_url = staff_notes, video_url
        locked.save(update_fields=[*changed, "updated_at"])
        BookingEvent.objects.create(
            booking=locked,
            kind=BookingEvent.Kind.UPDATED,
            actor=actor,
            actor_is_staff=True,
            data={"fields": changed},
        )
        return locked


def access_log_record(
    *,
    user: User,
    bookings: Iterable[Booking] = (),
    residents: Iterable[Resident] = (),
    action: str = "view",
    now: dt.datetime | None = None,
) -> int:
    """One row per record shown (APPI: who saw whose details, when), in one query."""
    now = now or timezone.now()
    rows = [
        AccessLog(user_id=user.pk, at=now, booking=b, resident_id=_resident_id(b), action=action)
        for b in bookings
    ] + [AccessLog(user_id=user.pk, at=now, resident=r, action=action) for r in residents]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


def _resident_id(booking: Booking) -> int | None:
    pregnancy = booking.pregnancy
    return pregnancy.resident_id if pregnancy is not None else None

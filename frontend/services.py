"""The one write of the resident booking flow: her details, then the booking, all or nothing.

It lives beside the pages because it is the glue between the details form and the booking core
(scheduling.services.booking_confirm owns the booking rules); it writes Resident, Pregnancy and
User rows and nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from scheduling.errors import BookingError
from scheduling.models import Booking, Pregnancy, Resident, User
from scheduling.services import booking_confirm


@dataclass(frozen=True)
class ResidentDetails:
    name: str
    name_kana: str
    phone: str  # E.164
    phone_is_mobile: bool
    email: str
    due_date: dt.date
    handbook_number: str
    preferred_language: str
    interpreter_needed: bool
    notify_sms: bool
    notify_email: bool


class AccountExists(Exception):
    """Somebody already has an account with this phone or email: she must sign in first.

    Attaching a booking to an account on the strength of a typed-in number would let anyone
    read or change that person's details.
    """

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _user_for(current: User | None, details: ResidentDetails) -> User:
    login_phone = details.phone if details.phone_is_mobile else None
    email = details.email.lower() or None
    clashes = User.objects.filter(Q(phone=login_phone) if login_phone else Q(pk__in=[]))
    if email:
        clashes = clashes | User.objects.filter(email__iexact=email)
    if current is not None:
        clashes = clashes.exclude(pk=current.pk)
    clash = clashes.first()
    if clash is not None:
        raise AccountExists("phone" if login_phone and clash.phone == login_phone else "email")
    if current is None:
        return User.objects.create_user(email=email, phone=login_phone, display_name=details.name)
    changed = []
    if login_phone and current.phone != login_phone:
        current.phone, current.phone_verified = login_phone, False
        changed += ["phone", "phone_verified"]
    if email and not current.email:
        current.email = email
        changed.append("email")
    if changed:
        current.save(update_fields=changed)
    return current


def _resident_for(user: User, booking: Booking, details: ResidentDetails) -> Resident:
    resident = Resident.objects.filter(user=user).first() or Resident(
        user=user, municipality_id=booking.municipality_id
    )
    resident.name, resident.name_kana = details.name, details.name_kana
    resident.phone, resident.email = details.phone, details.email
    resident.preferred_language = details.preferred_language
    resident.save()
    return resident


def _pregnancy_for(resident: Resident, details: ResidentDetails) -> Pregnancy:
    pregnancy = Pregnancy.objects.filter(resident=resident, is_active=True).order_by(
        "-created_at"
    ).first() or Pregnancy(resident=resident)
    pregnancy.due_date = details.due_date
    if details.handbook_number:
        pregnancy.handbook_number = details.handbook_number
    pregnancy.preferred_language = details.preferred_language
    pregnancy.interpreter_needed = details.interpreter_needed
    pregnancy.save()
    return pregnancy


def resident_booking_confirm(
    *,
    hold: Booking,
    details: ResidentDetails,
    user: User | None,
    language: str,
    now: dt.datetime | None = None,
) -> tuple[Booking, User]:
    """Save her details and turn her hold into a booking; on any refusal nothing is written.

    Raises AccountExists, or BookingError from the booking core.
    """
    now = now or timezone.now()
    with transaction.atomic():
        account = _user_for(user, details)
        resident = _resident_for(account, hold, details)
        pregnancy = _pregnancy_for(resident, details)
        booking = booking_confirm(
            booking=hold,
            pregnancy=pregnancy,
            notify_sms=details.notify_sms,
            notify_email=details.notify_email,
            language=language,
            actor=account,
            now=now,
        )
    return booking, account


__all__ = ["AccountExists", "BookingError", "ResidentDetails", "resident_booking_confirm"]

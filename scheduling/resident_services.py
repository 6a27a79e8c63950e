"""Her details, then the booking: the one place that writes User, Resident and Pregnancy rows.

Two doors lead here: she books online (`resident_booking_confirm`, from her hold) or staff book
for her on the phone or at the desk (`booking_create_on_behalf`). One set of rules serves both:

- An account is never taken over on the strength of a typed-in number or address. Online, a
  number or email that another account has means "sign in first" (AccountExists); staff cannot
  sign in for her, so a number that belongs to an account outside this municipality's residents
  is refused without saying whose it is, and an email another account has is kept on her
  resident record only, not as a sign-in.
- A new account signs in with her mobile number (never a landline: codes go by SMS) and her
  email in lower case, each only if no other account has it.
- Her ongoing pregnancy (`selectors.pregnancy_current`) is filled in with what she told us now;
  what she left blank keeps what she told us before. A new one is made if there is none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yurikago.errors import DomainError

from .models import (
    Booking,
    Contact,
    InterviewType,
    Language,
    Mode,
    Municipality,
    Pregnancy,
    Resident,
    Site,
    User,
)
from .selectors import pregnancy_current
from .services import booking_confirm, booking_create

NOTES_MAX = 1000  # Pregnancy.notes max_length; a form may not have checked it


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


def _login_user_create(*, phone: str | None, email: str, name: str) -> User:
    """A new account signing in by `phone` (mobile only) and `email`, each if nobody has it."""
    email = email.lower()
    email_free = bool(email) and not User.objects.filter(email__iexact=email).exists()
    phone_free = bool(phone) and not User.objects.filter(phone=phone).exists()
    return User.objects.create_user(
        email=email if email_free else None,
        phone=phone if phone_free else None,
        display_name=name,
    )


def _user_for(current: User | None, details: ResidentDetails) -> User:
    login_phone = details.phone if details.phone_is_mobile else None
    email = details.email.lower() or None
    clashes = User.objects.filter(Q(phone=login_phone) if login_phone else Q(pk__in=[]))
    if email:
        clashes = clashes | User.objects.filter(email__iexact=email)
    if current is not None:
        clashes = clashes.exclude(pk=current.pk)
    clash = clashes.first()
    if clash is not None and current is not None:
        # Signed in: her contact details change (on the Resident), her sign-in does not, and
        # nothing tells her whose number or address she typed.
        return current
    if clash is not None:
        raise AccountExists("phone" if login_phone and clash.phone == login_phone else "email")
    if current is None:
        return _login_user_create(phone=login_phone, email=details.email, name=details.name)
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


def resident_find_or_create(
    *,
    municipality: Municipality,
    phone: str,
    phone_is_mobile: bool,
    name: str,
    name_kana: str = "",
    email: str = "",
    preferred_language: str = Language.JA,
) -> tuple[Resident, bool]:
    """The resident with this phone number (E.164) in this municipality, or a new one.

    A number that belongs to any other account (a resident elsewhere, or staff) is refused
    without saying whose: the caller may be a nurse, and a nurse sees nothing outside her
    municipality.
    """
    resident = Resident.objects.filter(municipality=municipality, phone=phone).first()
    if resident is not None:
        return resident, False
    if User.objects.filter(phone=phone).exists():
        raise DomainError(
            "invalid",
            _("This phone number cannot be used here. Please check it, or ask an administrator."),
            field="phone",
        )
    user = _login_user_create(phone=phone if phone_is_mobile else None, email=email, name=name)
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


def pregnancy_update_or_create(
    resident: Resident,
    *,
    language: str,
    interpreter_needed: bool,
    due_date: dt.date | None = None,
    handbook_number: str = "",
    first_pregnancy: bool | None = None,
    notes: str = "",
    pregnancy_id: int | None = None,
) -> Pregnancy:
    """Her ongoing pregnancy filled in with what she told us now (blanks keep what she told us
    before), or a new one. `pregnancy_id`: the one an invitation link signed her in to (issue
    16), if it is hers and ongoing."""
    chosen = (
        Pregnancy.objects.filter(pk=pregnancy_id, resident=resident, is_active=True).first()
        if pregnancy_id is not None
        else None
    )
    pregnancy = chosen or pregnancy_current(resident) or Pregnancy(resident=resident)
    if due_date is not None:
        pregnancy.due_date = due_date
    if handbook_number:
        pregnancy.handbook_number = handbook_number
    if first_pregnancy is not None:
        pregnancy.first_pregnancy = first_pregnancy
    if notes:
        pregnancy.notes = notes[:NOTES_MAX]
    pregnancy.preferred_language = language
    pregnancy.interpreter_needed = interpreter_needed
    pregnancy.save()
    return pregnancy


def resident_booking_confirm(
    *,
    hold: Booking,
    details: ResidentDetails,
    user: User | None,
    language: str,
    now: dt.datetime | None = None,
    pregnancy_id: int | None = None,
) -> tuple[Booking, User]:
    """Save her details and turn her hold into a booking; on any refusal nothing is written.

    Raises AccountExists, or DomainError from the booking core.
    """
    now = now or timezone.now()
    with transaction.atomic():
        account = _user_for(user, details)
        resident = _resident_for(account, hold, details)
        pregnancy = pregnancy_update_or_create(
            resident,
            due_date=details.due_date,
            handbook_number=details.handbook_number,
            language=details.preferred_language,
            interpreter_needed=details.interpreter_needed,
            pregnancy_id=pregnancy_id,
        )
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


def booking_create_on_behalf(
    *,
    site: Site,
    interview_type: InterviewType,
    start: dt.datetime,
    mode: str = Mode.IN_PERSON,
    phone: str,
    phone_is_mobile: bool,
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
    contact: Contact | None = None,
    now: dt.datetime | None = None,
    channel: str = Booking.Channel.STAFF,
) -> Booking:
    """A phone or walk-in booking: find or create her, then book as staff, all or nothing.
    The API's POST /bookings/ with her details comes here too (channel API).

    Same slots, conflicts and messages as online booking; staff=True lets it inside the minimum
    notice and past the cancellation deadline, never onto a taken nurse or room.
    """
    now = now or timezone.now()
    with transaction.atomic():
        resident, _created = resident_find_or_create(
            municipality=site.municipality,
            phone=phone,
            phone_is_mobile=phone_is_mobile,
            name=name,
            name_kana=name_kana,
            email=email,
            preferred_language=language,
        )
        pregnancy = pregnancy_update_or_create(
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
            channel=channel,
            contact=contact,
            now=now,
        )


# --- Her account's number (the details pages' code check; allauth's phone hooks) ---------------


def phone_verified_record(user: User, phone: str) -> None:
    """She typed the code we sent to `phone`: her account's number counts as proved, only while
    it is still that number (another tab may have changed it in the meantime)."""
    if user.phone == phone and user.phone_verified:
        return
    if User.objects.filter(pk=user.pk, phone=phone).update(phone_verified=True):
        user.phone = phone
        user.phone_verified = True


def phone_set(user: User, phone: str, *, verified: bool) -> None:
    """Her account's sign-in number, and whether she has proved it (allauth's phone change)."""
    user.phone = phone
    user.phone_verified = verified
    user.save(update_fields=["phone", "phone_verified"])

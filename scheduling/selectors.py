"""Reads used by pages, the API and tasks. Each returns a queryset or loads in a fixed number of
queries."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import (
    Booking,
    Contact,
    InterviewType,
    Municipality,
    Nurse,
    Pregnancy,
    Resident,
    Site,
)


def municipality_get(code: str | None = None) -> Municipality:
    """The municipality by code; without one, DEFAULT_MUNICIPALITY (or the only one there is)."""
    code = code or settings.DEFAULT_MUNICIPALITY
    municipality = Municipality.objects.filter(code=code, is_active=True).first()
    if municipality is None and not code:
        municipality = Municipality.objects.filter(is_active=True).first()
    if municipality is None:
        raise Http404
    return municipality


def sites_for(municipality: Municipality) -> QuerySet[Site]:
    return Site.objects.filter(municipality=municipality, is_active=True).order_by(
        "ordering_key", "id"
    )


def interview_type_default(municipality: Municipality) -> InterviewType:
    itype = (
        InterviewType.objects.filter(municipality=municipality, is_active=True)
        .order_by("id")
        .first()
    )
    if itype is None:
        raise Http404
    return itype


def municipality_and_default_type(code: str | None = None) -> tuple[Municipality, InterviewType]:
    """`municipality_get` then `interview_type_default`, in one query when both exist (the
    availability API's hot path); otherwise the two steps, so the errors are theirs."""
    code = code or settings.DEFAULT_MUNICIPALITY
    if code:
        itype = (
            InterviewType.objects.select_related("municipality")
            .filter(municipality__code=code, municipality__is_active=True, is_active=True)
            .order_by("id")
            .first()
        )
        if itype is not None:
            return itype.municipality, itype
    municipality = municipality_get(code)
    return municipality, interview_type_default(municipality)


def pregnancy_current(resident: Resident | int) -> Pregnancy | None:
    """Her ongoing pregnancy: the newest one not closed (a resident or her id)."""
    resident_id = resident if isinstance(resident, int) else resident.pk
    return (
        Pregnancy.objects.filter(resident_id=resident_id, is_active=True)
        .order_by("-created_at", "-pk")
        .first()
    )


def booking_active_for(
    user: object, *, interview_type: InterviewType | None = None, contact: Contact | None = None
) -> Booking | None:
    """The interview a signed-in resident already has for her ongoing pregnancy (the one a new
    booking would be refused for as "already_booked"), or None. One active booking per contact
    (issue 15): for `contact`, or for the contact booked through `interview_type`."""
    resident = getattr(user, "resident", None) if getattr(user, "is_authenticated", False) else None
    if resident is None:
        return None
    active = Booking.objects.active().filter(
        pregnancy__resident=resident, pregnancy__is_active=True
    )
    if contact is not None:
        active = active.filter(contact=contact)
    elif interview_type is not None:
        active = active.filter(Q(contact__interview_type=interview_type) | Q(contact__isnull=True))
    return active.order_by("start").first()


def bookings_for_resident(resident: Resident) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(pregnancy__resident=resident)
        .exclude(status__in=[Booking.Status.HELD, Booking.Status.EXPIRED])
        .select_related("site", "interview_type", "municipality")
        .order_by("-start")
    )


def upcoming_for_resident(resident: Resident, now: dt.datetime | None = None) -> QuerySet[Booking]:
    now = now or timezone.now()
    return (
        bookings_for_resident(resident)
        .filter(status=Booking.Status.CONFIRMED, start__gte=now)
        .order_by("start")
    )


def modes_offered(site: Site, interview_type: InterviewType | None) -> list[str]:
    """The modes one can book at this site for this type: the type's, narrowed by the site's
    list (an empty site list means every mode of the type), in the type's order."""
    if interview_type is None:
        return []
    return [m for m in interview_type.modes if not site.modes or m in site.modes]


def nurse_schedule(nurse: Nurse, date_from: dt.date, date_to: dt.date) -> QuerySet[Booking]:
    tz = nurse.municipality.tz
    start = dt.datetime.combine(date_from, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return (
        Booking.objects.filter(nurse=nurse, start__gte=start, start__lt=end)
        .exclude(status__in=[Booking.Status.HELD, Booking.Status.EXPIRED])
        .select_related("site", "interview_type", "pregnancy__resident")
        .order_by("start")
    )

"""What the API's views share: the scopes a token needs per method, reading a query, the
caller's municipality and interview type, and a booking's JSON for who asks."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

from scheduling import access, selectors
from scheduling.models import (
    Booking,
    Contact,
    InterviewType,
    Municipality,
)

from . import availability_cache
from . import serializers as s
from .availability_cache import Stamp
from .exceptions import ApiError
from .models import Scope

DEFAULT_RANGE_DAYS = 30
# What an integration token needs, per method (api.permissions.TokenScope).
READS = {"GET": [Scope.READ_BOOKINGS]}
WRITES = {"POST": [Scope.WRITE_BOOKINGS], "DELETE": [Scope.WRITE_BOOKINGS]}
READS_AND_WRITES = {
    **READS,
    "POST": [Scope.WRITE_BOOKINGS],
    "PUT": [Scope.WRITE_BOOKINGS],
    "PATCH": [Scope.WRITE_BOOKINGS],
    "DELETE": [Scope.WRITE_BOOKINGS],
}
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Send the same key again (same body) to get the same booking back instead of "
    "a second one. A key is remembered for 24 hours.",
)


def query_params(
    serializer_class: type[s.serializers.Serializer], request: Request
) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def use_municipality_tz(municipality: Municipality) -> None:
    timezone.activate(municipality.tz)


def caller_municipality(request: Request, code: str | None = None) -> Municipality:
    """The municipality asked for; else the caller's own (token, resident, staff); else the
    default one."""
    if code:
        return selectors.municipality_get(code)
    user = request.user
    if user.is_authenticated:
        resident = getattr(user, "resident", None)
        if resident is not None:
            return resident.municipality
        ids = sorted(access.scope_for(user).municipality_ids)
        if ids:
            return Municipality.objects.get(pk=ids[0])
    return selectors.municipality_get(None)


def interview_type_for(municipality: Municipality, code: str | None) -> InterviewType:
    if not code:
        return selectors.interview_type_default(municipality)
    itype = InterviewType.objects.filter(
        municipality=municipality, code=code, is_active=True
    ).first()
    if itype is None:
        raise ApiError("not_found", _("No such interview type."), 404, field="interview_type")
    return itype


def contact_and_type(
    municipality: Municipality, data: dict[str, Any]
) -> tuple[Contact | None, InterviewType]:
    """The contact asked for (issue 15) and the interview type it books through; without one,
    the interview type asked for (or the default) and its first contact, chosen by the service."""
    contact_id = data.get("contact")
    if contact_id is None:
        preloaded = (
            None if data.get("interview_type") else access.default_type_and_contact(municipality)
        )
        if preloaded is not None:
            # Read with the site (access_site_for_booking): the default type and the contact
            # the service would look up for it (the first active one, or None).
            itype, contact = preloaded
            return contact, itype
        return None, interview_type_for(municipality, data.get("interview_type"))
    contact = (
        Contact.objects.select_related("interview_type")
        .filter(pk=contact_id, municipality=municipality, is_active=True, needs_booking=True)
        .first()
    )
    if contact is None or contact.interview_type is None:
        raise ApiError("not_found", _("No such contact to book."), 404, field="contact")
    if data.get("interview_type") and data["interview_type"] != contact.interview_type.code:
        raise ApiError(
            "invalid",
            _("This contact is booked through another interview type."),
            400,
            field="interview_type",
        )
    return contact, contact.interview_type


def municipality_and_type(
    request: Request, query: dict[str, Any], stamp: Stamp | None = None
) -> tuple[Municipality, InterviewType]:
    """With a stamp (the availability cache's generation), the anonymous or named lookup is kept
    in this process until the generation moves: configuration writes move it too."""
    code = query.get("municipality")
    if not query.get("interview_type") and (code or not request.user.is_authenticated):
        # Anonymous or named: no caller to look up, so one query finds both.
        return availability_cache.lookup(
            code, stamp, lambda: selectors.municipality_and_default_type(code)
        )
    municipality = caller_municipality(request, code)
    return municipality, interview_type_for(municipality, query.get("interview_type"))


def staff_at(request: Request, site_id: int) -> bool:
    return site_id in access.scope_for(request.user).site_ids


def booking_json(
    request: Request, booking: Booking, *, with_resident: bool = False
) -> dict[str, Any]:
    use_municipality_tz(booking.municipality)
    if access.is_staff_for_booking(request.user, booking):
        return s.StaffBookingSerializer(booking, context={"with_resident": with_resident}).data
    return s.BookingSerializer(booking).data

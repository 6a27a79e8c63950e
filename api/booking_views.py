"""API v1 bookings: list (by offset, or changes since by cursor), create (idempotent), one
booking, cancel, reschedule, its iCalendar file, attendance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling import access, selectors, services
from scheduling.calendars.ics import booking_ics
from scheduling.models import (
    Booking,
    Pregnancy,
    Site,
    User,
)
from scheduling.resident_services import booking_create_on_behalf
from scheduling.staff_services import access_log_record

from . import serializers as s
from .exceptions import ApiError
from .idempotency import request_fingerprint, run_once
from .models import Scope
from .pagination import BookingPagination, ChangesCursorPagination
from .permissions import IsSignedIn, IsStaff, token_allows
from .renderers import IcsRenderer
from .resident_serializers import BookingWithDetailsRequest
from .throttling import BOOKING_THROTTLES
from .view_support import (
    IDEMPOTENCY_HEADER,
    READS,
    READS_AND_WRITES,
    WRITES,
    booking_json,
    contact_and_type,
    query_params,
    staff_at,
)

# --- Bookings ---------------------------------------------------------------------------------


class BookingListCreate(APIView):
    permission_classes = [IsSignedIn]
    token_scopes = READS_AND_WRITES
    throttle_classes = BOOKING_THROTTLES

    @extend_schema(
        # Named, or it collides with the one booking's GET (check --deploy warns, W001).
        operation_id="bookings_list",
        parameters=[s.BookingListQuery, s.PageQuery],
        responses=s.BookingPageSerializer,
        summary="Her own bookings, or the bookings at a staff member's sites",
    )
    def get(self, request: Request) -> Response:
        query = query_params(s.BookingListQuery, request)
        bookings = self._filtered(request, query)
        scope = access.scope_for(request.user)
        serializer = s.StaffBookingSerializer if scope.is_staff else s.BookingSerializer
        if query.get("updated_since") is None:
            if query.get("cursor"):
                raise ApiError(
                    "invalid", _("A cursor goes with updated_since."), 400, field="cursor"
                )
            paginator = BookingPagination()
            page = paginator.paginate_queryset(bookings, request, view=self)
            return paginator.get_paginated_response(serializer(page, many=True).data)
        changes = ChangesCursorPagination(request, query_params(s.PageQuery, request).get("limit"))
        rows, count = changes.page(
            bookings.filter(updated_at__gte=query["updated_since"]), query.get("cursor")
        )
        return Response(changes.response_data(serializer(rows, many=True).data, count))

    def _filtered(self, request: Request, query: dict[str, Any]) -> QuerySet[Booking]:
        bookings = access.bookings_visible_to(request.user).select_related(
            "site", "interview_type", "municipality", "nurse"
        )
        if query.get("status"):
            bookings = bookings.filter(status=query["status"])
        else:
            bookings = bookings.exclude(status__in=[Booking.Status.HELD, Booking.Status.EXPIRED])
        if query.get("site"):
            bookings = bookings.filter(site_id=query["site"])
        tz = timezone.get_current_timezone()
        if query.get("from"):
            bookings = bookings.filter(
                start__gte=dt.datetime.combine(query["from"], dt.time(0), tzinfo=tz)
            )
        if query.get("to"):
            bookings = bookings.filter(
                start__lt=dt.datetime.combine(
                    query["to"] + dt.timedelta(days=1), dt.time(0), tzinfo=tz
                )
            )
        return bookings.order_by("start", "pk")

    @extend_schema(
        request=BookingWithDetailsRequest,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: s.StaffBookingSerializer},
        summary="Book: confirm a hold, or book a slot directly (staff: also by her details)",
    )
    def post(self, request: Request) -> Response:
        body = BookingWithDetailsRequest(data=request.data)
        body.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key")
        if not key:
            return self._create(request, body.validated_data)
        return run_once(
            owner=f"user:{request.user.pk}",
            key=key,
            fingerprint=request_fingerprint(request.path, request.data),
            work=lambda: self._create(request, body.validated_data),
        )

    def _create(self, request: Request, data: dict[str, Any]) -> Response:
        if data.get("resident") is not None:
            booking = self._book_her(request, data)
        else:
            booking = self._book(request, data)
        # She made it, so she gets it back, even staff booking at a site that is not theirs.
        return Response(
            booking_json(request, _with_its_relations(booking)), status=status.HTTP_201_CREATED
        )

    def _book(self, request: Request, data: dict[str, Any]) -> Booking:
        hold = None
        if (
            data.get("hold")
            and data.get("pregnancy") is None
            and access.scope_for(request.user).resident_id is not None
        ):
            # Her own hold, her ongoing pregnancy: both in the hold's one statement (issue 19,
            # sixth round). A hold that is not hers is a 404 before "which pregnancy?".
            hold = access.access_api_hold(request.user, data["hold"], with_her_pregnancy=True)
            pregnancy = self._her_pregnancy(request, hold.her_pregnancy)  # type: ignore[attr-defined]
        else:
            pregnancy = self._pregnancy(request, data.get("pregnancy"))
        options = {
            "pregnancy": pregnancy,
            "notify_sms": data["notify_sms"],
            "notify_email": data["notify_email"],
            "language": data["language"],
            "actor": request.user,
        }
        if data.get("hold"):
            if hold is None:
                hold = access.access_api_hold(request.user, data["hold"])
            return services.booking_confirm(
                booking=hold, staff=staff_at(request, hold.site_id), **options
            )
        site = access.access_site_for_booking(request.user, data["site"])
        contact, itype = contact_and_type(site.municipality, data)
        return services.booking_create(
            site=site,
            interview_type=itype,
            contact=contact,
            start=data["start"],
            mode=data["mode"],
            staff=staff_at(request, site.pk),
            channel=Booking.Channel.API,
            **options,
        )

    def _book_her(self, request: Request, data: dict[str, Any]) -> Booking:
        """By her details, as staff book on the phone: the same find-or-create as the staff
        booking page (scheduling.resident_services), never a copy of its rules."""
        refused = ApiError(
            "permission_denied",
            _(
                "Only staff of the site may book with her details, and a token needs the "
                "personal_data scope."
            ),
            403,
            field="resident",
        )
        if not access.scope_for(request.user).is_staff or not token_allows(
            request, Scope.PERSONAL_DATA
        ):
            raise refused
        site = access.access_site_for_booking(request.user, data["site"])
        if not staff_at(request, site.pk):
            raise refused
        contact, itype = contact_and_type(site.municipality, data)
        her = data["resident"]
        return booking_create_on_behalf(
            site=site,
            interview_type=itype,
            contact=contact,
            start=data["start"],
            mode=data["mode"],
            phone=her["phone"],
            phone_is_mobile=her["phone_is_mobile"],
            name=her["name"],
            name_kana=her.get("name_kana", ""),
            email=her.get("email", ""),
            language=her.get("language") or data["language"],
            due_date=her.get("due_date"),
            interpreter_needed=her["interpreter_needed"],
            notify_sms=data["notify_sms"],
            notify_email=data["notify_email"],
            actor=access.signed_in(request.user),
            channel=Booking.Channel.API,
        )

    def _pregnancy(self, request: Request, pregnancy_id: int | None) -> Pregnancy:
        if pregnancy_id is not None:
            return access.access_pregnancy_for_booking(request.user, pregnancy_id)
        resident_id = access.scope_for(request.user).resident_id
        pregnancy = selectors.pregnancy_current(resident_id) if resident_id is not None else None
        return self._her_pregnancy(request, pregnancy)

    def _her_pregnancy(self, request: Request, pregnancy: Pregnancy | None) -> Pregnancy:
        """Her ongoing pregnancy as read (None: she has none), or a 400 asking which."""
        if pregnancy is not None and User.resident.is_cached(request.user):
            # Her resident row, read with her scope: the service reads her channels from it.
            resident = request.user.resident
            if resident is not None and resident.pk == pregnancy.resident_id:
                Pregnancy.resident.field.set_cached_value(pregnancy, resident)
        if pregnancy is None:
            raise ApiError(
                "invalid", _("Say which pregnancy the interview is for."), 400, field="pregnancy"
            )
        return pregnancy


def _with_its_relations(booking: Booking) -> Booking:
    """The booking a service just wrote, with what its answer reads (site, municipality,
    interview type; the nurse for staff, when asked). The services hand back the row they wrote
    with its site, the site's municipality and its interview type already loaded: reading the
    row again after its commit would cost a query and tell nothing new. Anything not loaded is
    read again, as before."""
    if (
        not Booking.municipality.is_cached(booking)
        and Booking.site.is_cached(booking)
        and Site.municipality.is_cached(booking.site)
        and booking.site.municipality_id == booking.municipality_id
    ):
        booking.municipality = booking.site.municipality
    loaded = all(
        relation.is_cached(booking)
        for relation in (Booking.site, Booking.municipality, Booking.interview_type)
    )
    if loaded and booking.created_at is not None and booking.updated_at is not None:
        return booking
    return Booking.objects.select_related("site", "municipality", "interview_type", "nurse").get(
        pk=booking.pk
    )


class BookingDetail(APIView):
    permission_classes = [IsSignedIn]
    token_scopes = READS

    @extend_schema(responses=s.StaffBookingSerializer, summary="One booking")
    def get(self, request: Request, reference: str) -> Response:
        booking = access.access_booking(request.user, reference)
        staff = access.is_staff_for_booking(request.user, booking) and token_allows(
            request, Scope.PERSONAL_DATA
        )
        if staff and booking.pregnancy is not None:
            # APPI: record every time staff open a resident's details.
            access_log_record(
                user=access.signed_in(request.user), bookings=[booking], action="api_view"
            )
        return Response(booking_json(request, booking, with_resident=staff))


class BookingCancel(APIView):
    permission_classes = [IsSignedIn]
    token_scopes = WRITES
    throttle_classes = BOOKING_THROTTLES

    @extend_schema(
        request=s.CancelRequest,
        responses=s.StaffBookingSerializer,
        summary="Cancel (residents until the deadline; staff any time)",
    )
    def post(self, request: Request, reference: str) -> Response:
        body = s.CancelRequest(data=request.data)
        body.is_valid(raise_exception=True)
        booking = access.access_booking(request.user, reference)
        booking = services.booking_cancel(
            booking=booking,
            actor=request.user,
            reason=body.validated_data.get("reason", ""),
            staff=access.is_staff_for_booking(request.user, booking),
        )
        return Response(booking_json(request, booking))


class BookingReschedule(APIView):
    permission_classes = [IsSignedIn]
    token_scopes = WRITES
    throttle_classes = BOOKING_THROTTLES

    @extend_schema(
        request=s.RescheduleRequest,
        responses=s.StaffBookingSerializer,
        summary="Move to another time (and site); the reference stays",
    )
    def post(self, request: Request, reference: str) -> Response:
        body = s.RescheduleRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        booking = access.access_booking(request.user, reference)
        site = None
        if data.get("site") is not None:
            site = access.access_site_for_booking(request.user, data["site"])
        booking = services.booking_reschedule(
            booking=booking,
            start=data["start"],
            site=site,
            mode=data.get("mode"),
            actor=request.user,
            staff=access.is_staff_for_booking(request.user, booking),
        )
        return Response(booking_json(request, booking))


class BookingIcs(APIView):
    permission_classes = [IsSignedIn]
    token_scopes = READS
    renderer_classes = [IcsRenderer, JSONRenderer]

    @extend_schema(
        responses={(200, "text/calendar"): OpenApiTypes.BINARY},
        summary="The booking as an iCalendar file",
    )
    def get(self, request: Request, reference: str) -> Response:
        booking = access.access_booking(request.user, reference)
        return Response(
            booking_ics(booking),
            headers={"Content-Disposition": f'attachment; filename="{booking.reference}.ics"'},
        )


class BookingAttendance(APIView):
    token_scopes = WRITES
    permission_classes = [IsStaff]

    @extend_schema(
        request=s.AttendanceRequest,
        responses=s.StaffBookingSerializer,
        summary="Mark attended (on or after the day) or no-show (after the start time)",
    )
    def post(self, request: Request, reference: str) -> Response:
        body = s.AttendanceRequest(data=request.data)
        body.is_valid(raise_exception=True)
        booking = access.access_booking(request.user, reference)
        if not access.is_staff_for_booking(request.user, booking):
            raise Http404
        booking = services.booking_mark_attendance(
            booking=booking, attended=body.validated_data["attended"], actor=request.user
        )
        return Response(booking_json(request, booking))

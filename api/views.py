"""API v1 views: parse, call one service or selector, respond. Access through scheduling.access.

Times go out as ISO 8601 with the municipality's offset (+09:00): each view activates the
municipality's time zone before it serialises.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling import access, schedule_services, selectors, services
from scheduling.availability import Slot, open_slots_cached_as
from scheduling.calendars.ics import booking_ics
from scheduling.models import (
    AvailabilityRule,
    Booking,
    Contact,
    InterviewType,
    Municipality,
    Nurse,
    Pregnancy,
    Site,
    TimeOff,
)
from scheduling.reports import utilisation_report
from scheduling.staff_services import access_log_record

from . import serializers as s
from .exceptions import ApiError, slot_json
from .idempotency import request_fingerprint, run_once
from .models import Scope
from .pagination import BookingPagination, ChangesCursorPagination
from .permissions import IsManager, IsSignedIn, IsStaff, token_allows
from .renderers import CsvRenderer, IcsRenderer
from .throttling import BOOKING_THROTTLES, HOLD_THROTTLES

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


def _query(serializer_class: type[s.serializers.Serializer], request: Request) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def _use_municipality_tz(municipality: Municipality) -> None:
    timezone.activate(municipality.tz)


def _caller_municipality(request: Request, code: str | None = None) -> Municipality:
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


def _interview_type(municipality: Municipality, code: str | None) -> InterviewType:
    if not code:
        return selectors.interview_type_default(municipality)
    itype = InterviewType.objects.filter(
        municipality=municipality, code=code, is_active=True
    ).first()
    if itype is None:
        raise ApiError("not_found", _("No such interview type."), 404, field="interview_type")
    return itype


def _contact_and_type(
    municipality: Municipality, data: dict[str, Any]
) -> tuple[Contact | None, InterviewType]:
    """The contact asked for (issue 15) and the interview type it books through; without one,
    the interview type asked for (or the default) and its first contact, chosen by the service."""
    contact_id = data.get("contact")
    if contact_id is None:
        return None, _interview_type(municipality, data.get("interview_type"))
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


def _municipality_and_type(
    request: Request, query: dict[str, Any]
) -> tuple[Municipality, InterviewType]:
    code = query.get("municipality")
    if not query.get("interview_type") and (code or not request.user.is_authenticated):
        # Anonymous or named: no caller to look up, so one query finds both.
        return selectors.municipality_and_default_type(code)
    municipality = _caller_municipality(request, code)
    return municipality, _interview_type(municipality, query.get("interview_type"))


def _staff_at(request: Request, site_id: int) -> bool:
    return site_id in access.scope_for(request.user).site_ids


def _booking_serializer(
    request: Request, booking: Booking, *, with_resident: bool = False
) -> dict[str, Any]:
    _use_municipality_tz(booking.municipality)
    if access.is_staff_for_booking(request.user, booking):
        return s.StaffBookingSerializer(booking, context={"with_resident": with_resident}).data
    return s.BookingSerializer(booking).data


# --- Public: sites and availability -----------------------------------------------------------


class SiteList(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[s.MunicipalityQuery],
        responses=s.SiteSerializer(many=True),
        summary="The municipality's sites, with address, modes and opening days",
    )
    def get(self, request: Request) -> Response:
        query = _query(s.MunicipalityQuery, request)
        municipality = _caller_municipality(request, query.get("municipality"))
        return Response(s.SiteSerializer(selectors.sites_for(municipality), many=True).data)


class AvailabilityView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[s.AvailabilityQuery],
        responses=s.AvailabilitySerializer,
        summary="Open slots with remaining capacity",
        description="`from` defaults to today and `to` to 30 days later (at most 92 days). "
        "Omit `site` to search every site of the municipality.",
    )
    def get(self, request: Request) -> HttpResponse:
        query = _query(s.AvailabilityQuery, request)
        municipality, itype = _municipality_and_type(request, query)
        site_ids = None if query.get("site") is None else [query["site"]]
        today = timezone.now().astimezone(municipality.tz).date()
        date_from, date_to = s.date_range(
            query,
            default_from=lambda _to: today,
            default_to=lambda first: first + dt.timedelta(days=DEFAULT_RANGE_DAYS),
        )
        mode = query.get("mode") or (itype.modes[0] if itype.modes else "in_person")
        slots = open_slots_cached_as(
            _slots_json,
            municipality=municipality,
            interview_type=itype,
            date_from=date_from,
            date_to=date_to,
            site_ids=site_ids,
            mode=mode,
        )
        # The engine only ever finds slots at active sites of the municipality, so only an
        # empty answer needs the site checked: one query fewer on the hot path.
        if slots == b"[]" and site_ids is not None and not _site_exists(municipality, site_ids[0]):
            raise ApiError("not_found", _("No such site."), 404, field="site")
        # The hot path at 09:00: the slots come from the cache as JSON bytes, so a hit costs
        # no serialising. Same bytes and headers as DRF's JSONRenderer gave (compact, UTF-8).
        head = _compact_json(
            {
                "municipality": municipality.code,
                "interview_type": itype.code,
                "time_zone": municipality.time_zone,
            }
        )
        return HttpResponse(
            head[:-1] + b',"slots":' + slots + b"}", content_type="application/json"
        )


def _site_exists(municipality: Municipality, site_id: int) -> bool:
    return Site.objects.filter(pk=site_id, municipality=municipality, is_active=True).exists()


def _compact_json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _slots_json(slots: list[Slot]) -> bytes:
    # Slot times are in the municipality's zone, so the JSON carries its offset (+09:00); the
    # response's time_zone names that zone.
    return _compact_json([slot_json(slot) for slot in slots])


# --- Holds ------------------------------------------------------------------------------------


class HoldCreate(APIView):
    permission_classes = [IsSignedIn]
    token_scopes = WRITES
    throttle_classes = HOLD_THROTTLES

    @extend_schema(
        request=s.SlotRequest,
        responses={201: s.HoldSerializer},
        summary="Hold a slot for a few minutes while she confirms",
    )
    def post(self, request: Request) -> Response:
        body = s.SlotRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        site = access.access_site_for_booking(request.user, data["site"])
        contact, itype = _contact_and_type(site.municipality, data)
        hold = services.booking_hold(
            site=site,
            interview_type=itype,
            contact=contact,
            start=data["start"],
            mode=data["mode"],
            actor=request.user,
            hold_owner=access.hold_owner_key(request.user),
            staff=_staff_at(request, site.pk),
            channel=Booking.Channel.API,
        )
        _use_municipality_tz(site.municipality)
        return Response(s.HoldSerializer(hold).data, status=status.HTTP_201_CREATED)


class HoldDetail(APIView):
    permission_classes = [IsSignedIn]
    token_scopes = WRITES

    @extend_schema(responses={204: None}, summary="Release a hold now")
    def delete(self, request: Request, hold_id: str) -> Response:
        hold = access.access_api_hold(request.user, hold_id)
        services.booking_release_hold(booking=hold, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


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
        query = _query(s.BookingListQuery, request)
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
        changes = ChangesCursorPagination(request, _query(s.PageQuery, request).get("limit"))
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
        request=s.BookingCreateRequest,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: s.StaffBookingSerializer},
        summary="Book: confirm a hold, or book a slot directly",
    )
    def post(self, request: Request) -> Response:
        body = s.BookingCreateRequest(data=request.data)
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
        pregnancy = self._pregnancy(request, data.get("pregnancy"))
        options = {
            "pregnancy": pregnancy,
            "notify_sms": data["notify_sms"],
            "notify_email": data["notify_email"],
            "language": data["language"],
            "actor": request.user,
        }
        if data.get("hold"):
            hold = access.access_api_hold(request.user, data["hold"])
            booking = services.booking_confirm(
                booking=hold, staff=_staff_at(request, hold.site_id), **options
            )
        else:
            site = access.access_site_for_booking(request.user, data["site"])
            contact, itype = _contact_and_type(site.municipality, data)
            booking = services.booking_create(
                site=site,
                interview_type=itype,
                contact=contact,
                start=data["start"],
                mode=data["mode"],
                staff=_staff_at(request, site.pk),
                channel=Booking.Channel.API,
                **options,
            )
        # She made it, so she gets it back, even staff booking at a site that is not theirs.
        booking = Booking.objects.select_related(
            "site", "municipality", "interview_type", "nurse"
        ).get(pk=booking.pk)
        return Response(_booking_serializer(request, booking), status=status.HTTP_201_CREATED)

    def _pregnancy(self, request: Request, pregnancy_id: int | None) -> Pregnancy:
        if pregnancy_id is not None:
            return access.access_pregnancy_for_booking(request.user, pregnancy_id)
        resident_id = access.scope_for(request.user).resident_id
        pregnancy = selectors.pregnancy_current(resident_id) if resident_id is not None else None
        if pregnancy is None:
            raise ApiError(
                "invalid", _("Say which pregnancy the interview is for."), 400, field="pregnancy"
            )
        return pregnancy


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
        return Response(_booking_serializer(request, booking, with_resident=staff))


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
        return Response(_booking_serializer(request, booking))


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
        return Response(_booking_serializer(request, booking))


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
        return Response(_booking_serializer(request, booking))


# --- Staff: nurses, their rules, time off and schedule ----------------------------------------


class NurseList(generics.ListAPIView):
    token_scopes = READS
    permission_classes = [IsStaff]
    serializer_class = s.NurseSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Nurse]:
        return (
            access.nurses_visible_to(self.request.user)
            .prefetch_related("sites")
            .order_by("name", "pk")
        )


class NurseSchedule(APIView):
    token_scopes = READS
    permission_classes = [IsStaff]

    @extend_schema(
        parameters=[s.DateRangeQuery],
        responses=s.StaffBookingSerializer(many=True),
        summary="A nurse's interviews (default: the next 14 days)",
    )
    def get(self, request: Request, nurse_id: int) -> Response:
        query = _query(s.DateRangeQuery, request)
        nurse = access.access_nurse(request.user, nurse_id)
        _use_municipality_tz(nurse.municipality)
        today = timezone.now().astimezone(nurse.municipality.tz).date()
        date_from, date_to = s.date_range(
            query,
            default_from=lambda _to: today,
            default_to=lambda first: first + dt.timedelta(days=14),
        )
        bookings = selectors.nurse_schedule(nurse, date_from, date_to).select_related(
            "municipality", "nurse"
        )
        return Response(s.StaffBookingSerializer(bookings, many=True).data)


class _NurseOwned(generics.GenericAPIView):
    """Rows belonging to one nurse: herself, her manager and administrators read and write them
    (scheduling.access, the same rule as the staff pages)."""

    token_scopes = READS_AND_WRITES
    permission_classes = [IsStaff]
    pagination_class = None

    def nurse(self) -> Nurse:
        if not hasattr(self, "_nurse"):
            nurse = access.access_nurse_schedule(self.request.user, self.kwargs["nurse_id"])
            assert nurse is not None  # asked by id: a nurse or a 404
            self._nurse = nurse
            _use_municipality_tz(nurse.municipality)
        return self._nurse

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if "nurse_id" in self.kwargs:
            context["nurse"] = self.nurse()
        return context

    def perform_create(self, serializer: Any) -> None:
        serializer.save(nurse=self.nurse())

    def perform_update(self, serializer: Any) -> None:
        serializer.save()

    def perform_destroy(self, instance: Any) -> None:
        instance.delete()


def _confirm_stranded(request: Request) -> bool:
    """`?confirm_stranded=true`: she has seen which bookings fall outside and keeps them."""
    return request.query_params.get("confirm_stranded", "").lower() in ("1", "true", "yes")


class _RuleWrites(_NurseOwned):
    """Rule writes go through the schedule services: the same validation, site locks and
    stranded-bookings check (409 `stranded_bookings` unless confirmed) as the staff pages."""

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        nurse = self.nurse()
        serializer.instance = schedule_services.availability_rule_create(
            nurse=nurse,
            site=access.access_rule_site(self.request.user, nurse, data["site_id"]),
            weekday=data["weekday"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            valid_from=data["valid_from"],
            valid_to=data.get("valid_to"),
            actor=self.request.user,
            confirm_stranded=_confirm_stranded(self.request),
        )

    def perform_update(self, serializer: Any) -> None:
        rule = access.access_rule(self.request.user, serializer.instance.pk)
        data = {
            "weekday": rule.weekday,
            "start_time": rule.start_time,
            "end_time": rule.end_time,
            "valid_from": rule.valid_from,
            "valid_to": rule.valid_to,
            **{k: v for k, v in serializer.validated_data.items() if k != "site_id"},
        }
        serializer.instance = schedule_services.availability_rule_update(
            rule=rule,
            actor=self.request.user,
            confirm_stranded=_confirm_stranded(self.request),
            **data,
        )

    def perform_destroy(self, instance: Any) -> None:
        schedule_services.availability_rule_delete(
            rule=access.access_rule(self.request.user, instance.pk),
            actor=self.request.user,
            confirm_stranded=_confirm_stranded(self.request),
        )


class _TimeOffWrites(_NurseOwned):
    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = schedule_services.time_off_create(
            nurse=self.nurse(),
            start=data["start"],
            end=data["end"],
            weekly_until=data.get("weekly_until"),
            reason=data.get("reason", ""),
            actor=self.request.user,
            confirm_stranded=_confirm_stranded(self.request),
        )

    def perform_update(self, serializer: Any) -> None:
        off: TimeOff = serializer.instance
        data = {
            "start": off.start,
            "end": off.end,
            "weekly_until": off.weekly_until,
            "reason": off.reason,
            **serializer.validated_data,
        }
        serializer.instance = schedule_services.time_off_update(
            time_off=off,
            actor=self.request.user,
            confirm_stranded=_confirm_stranded(self.request),
            **data,
        )

    def perform_destroy(self, instance: Any) -> None:
        schedule_services.time_off_delete(time_off=instance, actor=self.request.user)


class RuleList(_RuleWrites, generics.ListCreateAPIView):
    serializer_class = s.AvailabilityRuleSerializer

    def get_queryset(self) -> QuerySet[AvailabilityRule]:
        if getattr(self, "swagger_fake_view", False):
            return AvailabilityRule.objects.none()
        return AvailabilityRule.objects.filter(nurse=self.nurse()).order_by(
            "weekday", "start_time", "pk"
        )


class RuleDetail(_RuleWrites, generics.RetrieveUpdateDestroyAPIView):
    serializer_class = s.AvailabilityRuleSerializer
    lookup_url_kwarg = "rule_id"

    def get_queryset(self) -> QuerySet[AvailabilityRule]:
        if getattr(self, "swagger_fake_view", False):
            return AvailabilityRule.objects.none()
        return AvailabilityRule.objects.filter(nurse=self.nurse())


class TimeOffList(_TimeOffWrites, generics.ListCreateAPIView):
    serializer_class = s.TimeOffSerializer

    def get_queryset(self) -> QuerySet[TimeOff]:
        if getattr(self, "swagger_fake_view", False):
            return TimeOff.objects.none()
        return TimeOff.objects.filter(nurse=self.nurse()).order_by("start", "pk")


class TimeOffDetail(_TimeOffWrites, generics.RetrieveUpdateDestroyAPIView):
    serializer_class = s.TimeOffSerializer
    lookup_url_kwarg = "time_off_id"

    def get_queryset(self) -> QuerySet[TimeOff]:
        if getattr(self, "swagger_fake_view", False):
            return TimeOff.objects.none()
        return TimeOff.objects.filter(nurse=self.nurse())


# --- Reports ----------------------------------------------------------------------------------


class UtilisationView(APIView):
    token_scopes = {"GET": [Scope.REPORTS]}
    permission_classes = [IsManager]
    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        parameters=[s.UtilisationQuery],
        responses={200: s.UtilisationSerializer, (200, "text/csv"): OpenApiTypes.STR},
        summary="Utilisation per site (JSON, or CSV with Accept: text/csv)",
        description="`from` defaults to the first day of this month and `to` to its last day.",
    )
    def get(self, request: Request) -> Response:
        query = _query(s.UtilisationQuery, request)
        site_ids = access.manager_site_ids(request.user)
        if query.get("site") is not None:
            if query["site"] not in site_ids:
                raise ApiError("not_found", _("No such site."), 404, field="site")
            site_ids = frozenset({query["site"]})
        today = timezone.localdate()
        # A lone `to` reports its own month; a lone `from`, the rest of its month.
        date_from, date_to = s.date_range(
            query,
            default_from=lambda to: (to or today).replace(day=1),
            default_to=lambda first: (
                (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            ),
        )
        report = utilisation_report(site_ids=site_ids, date_from=date_from, date_to=date_to)
        if isinstance(request.accepted_renderer, CsvRenderer):
            filename = f"utilisation-{date_from.isoformat()}-{date_to.isoformat()}.csv"
            return Response(
                report.to_csv_rows(),
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        return Response(s.UtilisationSerializer(report).data)


# --- Anything else under /api/ ----------------------------------------------------------------


class NotFoundView(APIView):
    """Unknown paths under /api/ answer with a problem, not the HTML 404 page."""

    permission_classes = [AllowAny]
    throttle_classes: list[type] = []
    schema = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise Http404

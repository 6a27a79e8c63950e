"""API v1 for staff: nurses, their interviews, and their weekly rules and time off (written
through the same schedule services as the staff pages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling import access, schedule_services, selectors
from scheduling.models import (
    AvailabilityRule,
    Nurse,
    TimeOff,
)

from . import serializers as s
from .permissions import IsStaff
from .view_support import (
    READS,
    READS_AND_WRITES,
    query_params,
    use_municipality_tz,
)

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
        query = query_params(s.DateRangeQuery, request)
        nurse = access.access_nurse(request.user, nurse_id)
        use_municipality_tz(nurse.municipality)
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
            use_municipality_tz(nurse.municipality)
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
            remote=data.get("remote", False),
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

"""POST /api/v1/pregnancy-notifications/ (issue 16): the 母子保健 system sends each pregnancy
notification as it is filed. Same checks as the CSV import (scheduling.notification_import),
one record at a time; idempotent on the municipality's record key: a key already imported
answers 200 with what it made, and changes nothing."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling import access
from scheduling.models import PregnancyNotification
from scheduling.notification_import import (
    COLUMNS,
    looks_like_my_number,
    my_number_header_error,
    notifications_import,
    row_from_values,
)
from scheduling.staff_services import access_log_record

from .exceptions import ApiError
from .models import Scope
from .permissions import IsStaff


class NotificationRequest(serializers.Serializer):
    municipality = serializers.SlugField(
        required=False, help_text="Its code; by default the caller's own."
    )
    record_key = serializers.CharField(max_length=64, help_text="The municipality's 整理番号.")
    notified_on = serializers.CharField(help_text="YYYY-MM-DD")
    counter = serializers.CharField(required=False, allow_blank=True, max_length=100)
    name = serializers.CharField(max_length=100)
    name_kana = serializers.CharField(required=False, allow_blank=True, max_length=100)
    date_of_birth = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    district = serializers.CharField(required=False, allow_blank=True, max_length=100)
    due_date = serializers.CharField(required=False, allow_blank=True)
    language = serializers.CharField(required=False, allow_blank=True, max_length=20)
    handbook_number = serializers.CharField(required=False, allow_blank=True, max_length=30)


class NotificationResponse(serializers.Serializer):
    record_key = serializers.CharField()
    pregnancy = serializers.IntegerField()
    notified_on = serializers.DateField()
    matched_existing_resident = serializers.BooleanField()
    created = serializers.BooleanField()


def _answer(notification: PregnancyNotification, *, created: bool) -> Response:
    return Response(
        {
            "record_key": notification.record_key,
            "pregnancy": notification.pregnancy_id,
            "notified_on": notification.notified_on.isoformat(),
            "matched_existing_resident": notification.matched_existing,
            "created": created,
        },
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )


def _refuse_my_numbers(data: Any) -> None:
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        error = my_number_header_error(str(key))
        if error or (isinstance(value, str) and looks_like_my_number(value)):
            raise ApiError(
                "my_number",
                error
                or _(
                    "%(field)s holds 12 digits, which looks like a My Number. Yurikago never "
                    "stores a My Number: send the record without it."
                )
                % {"field": key},
                422,
                field=str(key),
            )


class PregnancyNotificationCreate(APIView):
    permission_classes = [IsStaff]
    token_scopes = {"POST": [Scope.WRITE_BOOKINGS, Scope.PERSONAL_DATA]}

    @extend_schema(
        request=NotificationRequest,
        responses={201: NotificationResponse, 200: NotificationResponse},
        summary="Record a pregnancy notification (妊娠届); idempotent on record_key",
    )
    def post(self, request: Request) -> Response:
        _refuse_my_numbers(request.data)
        body = NotificationRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        municipality = access.access_notification_import(
            request.user, data.pop("municipality", None)
        )
        known = PregnancyNotification.objects.filter(
            municipality=municipality, record_key=data["record_key"].strip()
        ).first()
        if known is not None:
            return _answer(known, created=False)
        values = {key: str(data.get(key, "")) for key in COLUMNS}
        row, errors = row_from_values(values, line=1, today=timezone.localdate())
        if row is None:
            raise serializers.ValidationError({"non_field_errors": [e.message for e in errors]})
        try:
            result = notifications_import(
                municipality=municipality, rows=[row], source=PregnancyNotification.Source.API
            )
            created = result.created == 1
        except IntegrityError:
            created = False  # the same key sent twice at once: the other request made it
        notification = PregnancyNotification.objects.get(
            municipality=municipality, record_key=row.record_key
        )
        return _answer(notification, created=created)


class PregnancyLookupQuery(serializers.Serializer):
    record_key = serializers.CharField(max_length=64, help_text="The municipality's 整理番号.")
    municipality = serializers.SlugField(
        required=False, help_text="Its code; by default the caller's own."
    )


class PregnancyFound(serializers.Serializer):
    pregnancy = serializers.IntegerField(help_text="What POST /bookings/ takes as `pregnancy`.")
    record_key = serializers.CharField()
    notified_on = serializers.DateField()
    ongoing = serializers.BooleanField()
    resident_name = serializers.CharField()


class PregnancyByRecordKey(APIView):
    """The find half of "find or create": the pregnancy a notification with this record key
    made (POST /pregnancy-notifications/ is the create half, and answers the same for a key it
    knows). Who may send notifications may look them up; each look-up that finds her is
    access-logged, as her name is shown."""

    permission_classes = [IsStaff]
    token_scopes = {"GET": [Scope.READ_BOOKINGS, Scope.PERSONAL_DATA]}

    @extend_schema(
        operation_id="pregnancies_by_record_key",
        parameters=[PregnancyLookupQuery],
        responses=PregnancyFound(many=True),
        summary="Find a pregnancy by the municipality's record key (none or one)",
    )
    def get(self, request: Request) -> Response:
        query = PregnancyLookupQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        municipality = access.access_notification_import(
            request.user, query.validated_data.get("municipality")
        )
        found = (
            PregnancyNotification.objects.filter(
                municipality=municipality, record_key=query.validated_data["record_key"].strip()
            )
            .select_related("pregnancy__resident")
            .first()
        )
        if found is None or found.pregnancy is None:
            return Response([])
        pregnancy = found.pregnancy
        access_log_record(
            user=access.signed_in(request.user), residents=[pregnancy.resident], action="api_view"
        )
        data = {
            "pregnancy": pregnancy.pk,
            "record_key": found.record_key,
            "notified_on": found.notified_on,
            "ongoing": pregnancy.is_active,
            "resident_name": pregnancy.resident.name,
        }
        return Response([PregnancyFound(data).data])

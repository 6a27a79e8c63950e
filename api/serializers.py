"""Shapes in and out. Serializers check types and ranges; the booking rules live in services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict

from scheduling.availability import cancel_deadline
from scheduling.models import (
    AvailabilityRule,
    Booking,
    Contact,
    Language,
    Mode,
    Nurse,
    Site,
    TimeOff,
)

MAX_RANGE_DAYS = 92
# Dates far from now are refused as input: arithmetic near year 9999 would overflow.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2200


class BoundedDateField(serializers.DateField):
    def to_internal_value(self, value: Any) -> dt.date:
        day = super().to_internal_value(value)
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise serializers.ValidationError(_("Date out of range."), code="out_of_range")
        return day


class BoundedDateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value: Any) -> dt.datetime:
        moment = super().to_internal_value(value)
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            raise serializers.ValidationError(_("Date out of range."), code="out_of_range")
        return moment


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2})?$", "example": "09:00"})
class LocalTimeField(serializers.TimeField):
    """A wall-clock time at the site (HH:MM[:SS]), without an offset: JSON Schema's "time"
    format demands one, so the schema says what it is instead."""


class DateRangeQuery(serializers.Serializer):
    """`from` and `to` (local dates, both included); `from` is a keyword, hence get_fields."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = BoundedDateField(required=False)
        fields["to"] = BoundedDateField(required=False)
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        first, last = attrs.get("from"), attrs.get("to")
        if first and last:
            check_range(first, last)
        return attrs


def check_range(first: dt.date, last: dt.date) -> None:
    if last < first:
        raise serializers.ValidationError({"to": _("Must not be before 'from'.")})
    if (last - first).days >= MAX_RANGE_DAYS:
        raise serializers.ValidationError(
            {"to": _("At most %(days)d days at a time.") % {"days": MAX_RANGE_DAYS}}
        )


def date_range(
    query: dict[str, Any],
    *,
    default_from: Callable[[dt.date | None], dt.date],
    default_to: Callable[[dt.date], dt.date],
) -> tuple[dt.date, dt.date]:
    """The range asked for, defaults filled in, then capped: the cap holds whichever of `from`
    and `to` were given (a lone far `to` once made a report of 174 years). `default_from` gets
    the `to` given, if any."""
    first = query.get("from") or default_from(query.get("to"))
    last = query.get("to") or default_to(first)
    check_range(first, last)
    return first, last


class MunicipalityQuery(serializers.Serializer):
    municipality = serializers.SlugField(
        required=False,
        max_length=50,
        help_text=_("Municipality code; default: the default municipality, or the token's."),
    )


class AvailabilityQuery(DateRangeQuery, MunicipalityQuery):
    site = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text=_("Omit to search every site.")
    )
    mode = serializers.ChoiceField(choices=Mode.choices, required=False)
    interview_type = serializers.SlugField(required=False, max_length=50)


class SiteSerializer(serializers.ModelSerializer):
    last_start_time = LocalTimeField(allow_null=True)
    modes = serializers.ListField(child=serializers.ChoiceField(choices=Mode.choices))
    open_weekdays = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Monday=0 … Sunday=6")
    )
    closed_nth_weekdays = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text=_("[n, weekday] pairs: [[2, 6]] is the 2nd Sunday of every month"),
    )

    class Meta:
        model = Site
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "address",
            "access_note",
            "rooms",
            "modes",
            "open_weekdays",
            "closed_on_public_holidays",
            "closed_nth_weekdays",
            "year_end_start",
            "year_end_end",
            "last_start_time",
            "min_notice_days",
        ]
        read_only_fields = fields


class SlotSerializer(serializers.Serializer):
    site = serializers.IntegerField(source="site_id")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    mode = serializers.ChoiceField(choices=Mode.choices)
    capacity = serializers.IntegerField(help_text=_("How many more people can book it"))


class AvailabilitySerializer(serializers.Serializer):
    municipality = serializers.CharField()
    interview_type = serializers.CharField()
    time_zone = serializers.CharField()
    slots = SlotSerializer(many=True)


class AlternativeSerializer(SlotSerializer):
    site = serializers.IntegerField()


class ProblemFieldSerializer(serializers.Serializer):
    field = serializers.CharField(help_text=_("JSON Pointer to the field"))
    code = serializers.CharField()
    detail = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = ProblemFieldSerializer(many=True, required=False)
    alternatives = AlternativeSerializer(many=True, required=False)


# Each serializer class's fields, built and bound once per language (see FieldsBuiltOnce).
_FIELDS_BUILT_ONCE: dict[tuple[type[serializers.Serializer], str | None], BindingDict] = {}


class FieldsBuiltOnce(serializers.Serializer):
    """A serializer whose fields are built and bound ONCE per class and language, shared by its
    instances (issue 19: every hold and refused hold of the 09:00 rush). DRF deep-copies the
    declared fields, or a ModelSerializer builds them from the model, at every instantiation so
    that an instance may change its own fields; these never do. Validation and output are DRF's
    own, field by field, with the same messages.

    Per language because a field's range and length messages ("Ensure this value is greater
    than or equal to 1.") are formatted once, at their first use, in that request's language.
    Only for serializers whose fields keep no other per-request state and read nothing from the
    serializer they are bound to but `partial` (False here): they are bound to a template
    instance, so `field.context` is the template's (empty), not the request's."""

    @cached_property
    def fields(self) -> BindingDict:
        key = (type(self), translation.get_language())
        shared = _FIELDS_BUILT_ONCE.get(key)
        if shared is None:
            built = serializers.Serializer.fields.func(type(self)())  # DRF's, on a template
            shared = _FIELDS_BUILT_ONCE.setdefault(key, built)
        return shared


class SlotRequest(FieldsBuiltOnce):
    site = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    start = BoundedDateTimeField()
    mode = serializers.ChoiceField(choices=Mode.choices, default=Mode.IN_PERSON)
    interview_type = serializers.SlugField(required=False, max_length=50)
    contact = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_(
            "The contact of her pregnancy this booking is for (GET /contacts/); it books "
            "through the contact's interview type. Default: the first contact of the type."
        ),
    )


class HoldSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    id = serializers.CharField(source="reference", read_only=True)

    class Meta:
        model = Booking
        fields = ["id", "site", "start", "end", "mode", "expires_at"]
        read_only_fields = fields


class BookingCreateRequest(serializers.Serializer):
    """Either `hold` (from POST /holds/), or `site` and `start` to book directly."""

    hold = serializers.CharField(required=False, max_length=20)
    site = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    start = BoundedDateTimeField(required=False)
    mode = serializers.ChoiceField(choices=Mode.choices, default=Mode.IN_PERSON)
    interview_type = serializers.SlugField(required=False, max_length=50)
    contact = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_(
            "The contact of her pregnancy this booking is for (GET /contacts/); it books "
            "through the contact's interview type. Default: the first contact of the type."
        ),
    )
    pregnancy = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_(
            "Required for staff and tokens; a resident's own ongoing pregnancy by default."
        ),
    )
    notify_sms = serializers.BooleanField(default=True)
    notify_email = serializers.BooleanField(default=False)
    language = serializers.ChoiceField(choices=Language.choices, default=Language.JA)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("hold") and (attrs.get("site") is None or attrs.get("start") is None):
            raise serializers.ValidationError(_("Send either a hold, or a site and a start time."))
        return attrs


class BookingSerializer(serializers.ModelSerializer):
    display_reference = serializers.CharField(read_only=True)
    site_name = serializers.CharField(source="site.name", read_only=True)
    interview_type = serializers.CharField(source="interview_type.code", read_only=True)
    # The contact's id (GET /contacts/); null for a booking made before contacts existed.
    contact = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    cancel_deadline = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = [
            "reference",
            "display_reference",
            "status",
            "site",
            "site_name",
            "start",
            "end",
            "mode",
            "interview_type",
            "contact",
            "channel",
            "sequence",
            "notify_sms",
            "notify_email",
            "language",
            "cancel_deadline",
            "confirmed_at",
            "cancelled_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_cancel_deadline(self, booking: Booking) -> str:
        deadline = cancel_deadline(booking.municipality, booking.interview_type, booking.start)
        return deadline.isoformat()


class StaffBookingSerializer(BookingSerializer):
    """What staff see in addition: who runs it, and whose it is (detail view only)."""

    nurse_name = serializers.CharField(source="nurse.name", read_only=True)
    resident_name = serializers.SerializerMethodField()

    class Meta(BookingSerializer.Meta):
        fields = [*BookingSerializer.Meta.fields, "nurse", "nurse_name", "room", "resident_name"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_resident_name(self, booking: Booking) -> str:
        if not self.context.get("with_resident") or booking.pregnancy is None:
            return ""
        return booking.pregnancy.resident.name


class BookingPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = StaffBookingSerializer(many=True)


class PageQuery(serializers.Serializer):
    limit = serializers.IntegerField(required=False, min_value=1, max_value=200)
    offset = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)


class BookingListQuery(DateRangeQuery):
    status = serializers.ChoiceField(choices=Booking.Status.choices, required=False)
    site = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    updated_since = BoundedDateTimeField(
        required=False,
        help_text=_(
            "Only bookings changed at or after this time, oldest change first, a page at a time "
            "by cursor (follow `next`). Keep the time of your last full walk and start from it."
        ),
    )
    cursor = serializers.CharField(
        required=False,
        max_length=200,
        help_text=_("Where the previous page ended (from `next`); only with updated_since."),
    )


class CancelRequest(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class RescheduleRequest(serializers.Serializer):
    start = BoundedDateTimeField()
    site = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    mode = serializers.ChoiceField(choices=Mode.choices, required=False)


class AttendanceRequest(serializers.Serializer):
    attended = serializers.BooleanField(help_text=_("true: attended; false: did not come"))


class NurseSerializer(serializers.ModelSerializer):
    sites = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Nurse
        fields = ["id", "name", "qualification", "sites", "is_active"]
        read_only_fields = fields


class AvailabilityRuleSerializer(serializers.ModelSerializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text=_("Monday=0"))
    site = serializers.IntegerField(source="site_id", min_value=1, max_value=2**31 - 1)
    start_time = LocalTimeField()
    end_time = LocalTimeField()
    valid_from = BoundedDateField()
    valid_to = BoundedDateField(required=False, allow_null=True)

    class Meta:
        model = AvailabilityRule
        fields = [
            "id",
            "site",
            "weekday",
            "start_time",
            "end_time",
            "valid_from",
            "valid_to",
            "remote",
        ]
        read_only_fields = ["id"]
        # Issue 15: remote hours serve video and phone interviews only (no room, any day).
        extra_kwargs = {"remote": {"required": False}}

    def validate_site(self, value: int) -> int:
        nurse: Nurse = self.context["nurse"]
        if value not in {s.id for s in nurse.sites.all()}:
            raise serializers.ValidationError(_("She does not work at this site."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        merged = {**self._current(), **attrs}
        if merged["end_time"] <= merged["start_time"]:
            raise serializers.ValidationError({"end_time": _("Must be after the start.")})
        if merged.get("valid_to") and merged["valid_to"] < merged["valid_from"]:
            raise serializers.ValidationError({"valid_to": _("Must not be before 'valid from'.")})
        return attrs

    def _current(self) -> dict[str, Any]:
        rule = self.instance
        if rule is None:
            return {}
        return {
            "start_time": rule.start_time,
            "end_time": rule.end_time,
            "valid_from": rule.valid_from,
            "valid_to": rule.valid_to,
        }


class TimeOffSerializer(serializers.ModelSerializer):
    start = BoundedDateTimeField()
    end = BoundedDateTimeField()
    weekly_until = BoundedDateField(required=False, allow_null=True)

    class Meta:
        model = TimeOff
        fields = ["id", "start", "end", "weekly_until", "reason"]
        read_only_fields = ["id"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        current: dict[str, Any] = {}
        if self.instance is not None:
            current = {"start": self.instance.start, "end": self.instance.end}
        merged = {**current, **attrs}
        if merged["end"] <= merged["start"]:
            raise serializers.ValidationError({"end": _("Must be after the start.")})
        if merged["end"] - merged["start"] > dt.timedelta(days=366):
            raise serializers.ValidationError({"end": _("At most a year at a time.")})
        return attrs


class UtilisationQuery(DateRangeQuery):
    site = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class SiteFiguresSerializer(serializers.Serializer):
    site = serializers.IntegerField(source="site_id", allow_null=True)
    site_name = serializers.CharField()
    offered_slots = serializers.IntegerField()
    offered_minutes = serializers.IntegerField()
    booked_slots = serializers.IntegerField()
    booked_minutes = serializers.IntegerField()
    attended_slots = serializers.IntegerField()
    no_shows = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    late_cancellations = serializers.IntegerField()
    online = serializers.IntegerField()
    staff = serializers.IntegerField()
    api = serializers.IntegerField()
    failed_messages = serializers.IntegerField()
    utilisation = serializers.FloatField(allow_null=True)
    attendance_rate = serializers.FloatField(allow_null=True)
    no_show_rate = serializers.FloatField(allow_null=True)
    late_cancellation_rate = serializers.FloatField(allow_null=True)
    online_share = serializers.FloatField(allow_null=True)
    lead_time_days = serializers.FloatField(allow_null=True)
    gestational_week = serializers.FloatField(allow_null=True)
    next_free_slot = serializers.DateTimeField(allow_null=True)


class DayFiguresSerializer(serializers.Serializer):
    day = serializers.DateField()
    offered_slots = serializers.IntegerField()
    booked_slots = serializers.IntegerField()
    attended_slots = serializers.IntegerField()
    no_shows = serializers.IntegerField()


class UtilisationSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    sites = SiteFiguresSerializer(many=True, source="rows")
    totals = SiteFiguresSerializer()
    days = DayFiguresSerializer(many=True)
    lead_time = serializers.DictField(child=serializers.IntegerField())
    gestation = serializers.DictField(child=serializers.IntegerField())


class ContactSerializer(serializers.ModelSerializer):
    """A contact of the municipality's programme for each pregnancy (issue 15)."""

    interview_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sites = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "code",
            "name",
            "name_translations",
            "kind",
            "due_basis",
            "due_from",
            "due_until",
            "qualification",
            "sites",
            "modes",
            "duration_minutes",
            "needs_booking",
            "optional",
            "interview_type",
            "ordering_key",
        ]
        read_only_fields = fields


class TimelineContactSerializer(serializers.Serializer):
    """One contact of one pregnancy: where it stands. No private notes, no health detail."""

    contact = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.ChoiceField(
        choices=[
            "done", "booked", "due", "not_yet", "past", "not_needed", "declined", "missed",
            "closed",
        ]
    )  # fmt: skip
    window_start = serializers.DateField(allow_null=True)
    window_end = serializers.DateField(allow_null=True)
    booking = serializers.CharField(allow_null=True, help_text=_("The active booking's reference."))
    done_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True)


class TimelineSerializer(serializers.Serializer):
    pregnancy = serializers.IntegerField()
    due_date = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True)
    ended_on = serializers.DateField(allow_null=True)
    babies = serializers.IntegerField(allow_null=True)
    contacts = TimelineContactSerializer(many=True)

"""Django admin for every model. Labels come from the models' translated verbose names."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from . import models
from .availability import availability_changed
from .staff_services import access_log_record


class ChangesAvailability(admin.ModelAdmin):
    """For models whose edits change open slots: an admin edit ends the availability cache on
    commit, as the services do, instead of leaving residents up to AVAILABILITY_CACHE_SECONDS
    of the old answer."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        availability_changed()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # inlines, a nurse's sites
        availability_changed()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        availability_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        availability_changed()


class AccessLogged(admin.ModelAdmin):
    """Admin pages of personal records: each record shown, on its own page or in a list, is in
    the access log (APPI), through the same service as the staff portal."""

    def access_log_subjects(
        self, objs: list[Any]
    ) -> tuple[list[models.Booking], list[models.Resident]]:
        raise NotImplementedError

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None and not add:
            self._log(request, [obj], "admin_view")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            self._log(request, list(changelist.result_list), "admin_list")
        return response

    def _log(self, request: HttpRequest, objs: list[Any], action: str) -> None:
        bookings, residents = self.access_log_subjects(objs)
        if bookings or residents:
            access_log_record(
                user=request.user,  # type: ignore[arg-type]
                bookings=bookings,
                residents=residents,
                action=action,
            )


def _residents_by_id(ids: list[int | None]) -> list[models.Resident]:
    return [models.Resident(pk=pk) for pk in dict.fromkeys(ids) if pk is not None]


@admin.register(models.User)
class UserAdmin(AccessLogged, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "phone", "display_name", "is_staff", "is_active"]
    search_fields = ["email", "phone", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "phone", "phone_verified", "password")}),
        (_("Personal info"), {"fields": ("display_name", "first_name", "last_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def access_log_subjects(
        self, objs: list[Any]
    ) -> tuple[list[models.Booking], list[models.Resident]]:
        ids = models.Resident.objects.filter(user__in=objs).values_list("pk", flat=True)
        return [], _residents_by_id(list(ids))


class SiteInline(admin.TabularInline):
    model = models.Site
    extra = 0
    fields = ["code", "name", "address", "rooms", "open_weekdays", "is_active"]


@admin.register(models.Municipality)
class MunicipalityAdmin(ChangesAvailability):
    list_display = [
        "code",
        "name",
        "branding_name",
        "time_zone",
        "is_active",
        "retention_days",
        "retention_due",
    ]
    readonly_fields = ["retention_due"]
    inlines = [SiteInline]

    @admin.display(description=_("due for the retention purge"))
    def retention_due(self, obj: models.Municipality) -> str:
        """What `manage.py retention_purge` would anonymise now (scheduling/retention.py)."""
        from django.utils import timezone

        from .retention import retention_counts

        if obj.pk is None or obj.retention_days is None:
            return str(_("No retention period set: nothing is purged."))
        counts = retention_counts(municipality=obj, now=timezone.now())
        return str(
            _(
                "residents %(residents)d, pregnancies %(pregnancies)d, bookings %(bookings)d, "
                "messages %(messages)d, access-log rows %(access)d"
            )
            % {
                "residents": counts.residents,
                "pregnancies": counts.pregnancies,
                "bookings": counts.bookings,
                "messages": counts.messages,
                "access": counts.access_log_rows,
            }
        )


@admin.register(models.Site)
class SiteAdmin(ChangesAvailability):
    list_display = ["name", "municipality", "address", "rooms", "is_active"]
    list_filter = ["municipality", "is_active"]
    search_fields = ["name", "address"]


@admin.register(models.SiteClosure)
class SiteClosureAdmin(ChangesAvailability):
    list_display = ["municipality", "site", "date_from", "date_to", "reason"]
    list_filter = ["municipality", "site"]


@admin.register(models.InterviewType)
class InterviewTypeAdmin(ChangesAvailability):
    list_display = [
        "name",
        "municipality",
        "duration_minutes",
        "min_notice_hours",
        "max_days_ahead",
    ]


@admin.register(models.Contact)
class ContactAdmin(ChangesAvailability):
    """The contacts of a pregnancy a municipality offers (issue 15), as in its municipality file."""

    list_display = ["name", "municipality", "kind", "due_basis", "due_from", "due_until"]
    list_filter = ["municipality", "kind"]
    filter_horizontal = ["sites"]


class RuleInline(admin.TabularInline):
    model = models.AvailabilityRule
    extra = 0


@admin.register(models.Nurse)
class NurseAdmin(ChangesAvailability):
    list_display = ["name", "municipality", "qualification", "is_active"]
    list_filter = ["municipality", "qualification", "sites"]
    filter_horizontal = ["sites"]
    exclude = ["feed_token_hash"]
    inlines = [RuleInline]


@admin.register(models.StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "role"]
    filter_horizontal = ["sites"]


@admin.register(models.AvailabilityRule)
class AvailabilityRuleAdmin(ChangesAvailability):
    list_display = [
        "nurse",
        "site",
        "weekday",
        "start_time",
        "end_time",
        "remote",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["site", "weekday", "remote"]


@admin.register(models.TimeOff)
class TimeOffAdmin(ChangesAvailability):
    list_display = ["nurse", "start", "end", "weekly_until"]


@admin.register(models.ExternalCalendar)
class ExternalCalendarAdmin(ChangesAvailability):
    list_display = ["name", "nurse", "last_synced_at", "last_error"]
    # The address is a secret (anyone holding it reads her calendar); nurses manage it on
    # /calendar/settings/, where it is never shown back.
    exclude = ["uploaded_ics", "url"]


@admin.register(models.BusyBlock)
class BusyBlockAdmin(ChangesAvailability):
    list_display = ["nurse", "start", "end", "calendar"]


@admin.register(models.Resident)
class ResidentAdmin(AccessLogged):
    list_display = ["id", "municipality", "preferred_language", "created_at"]
    search_fields = ["name", "name_kana", "phone", "email"]

    def access_log_subjects(
        self, objs: list[Any]
    ) -> tuple[list[models.Booking], list[models.Resident]]:
        return [], objs


@admin.register(models.Pregnancy)
class PregnancyAdmin(AccessLogged):
    list_display = ["id", "resident", "due_date", "preferred_language", "is_active"]

    def access_log_subjects(
        self, objs: list[Any]
    ) -> tuple[list[models.Booking], list[models.Resident]]:
        return [], _residents_by_id([p.resident_id for p in objs])


@admin.register(models.PregnancyContact)
class PregnancyContactAdmin(AccessLogged):
    list_display = ["id", "pregnancy", "contact", "status", "done_on"]
    list_filter = ["status", "contact__municipality"]

    def access_log_subjects(
        self, objs: list[Any]
    ) -> tuple[list[models.Booking], list[models.Resident]]:
        pregnancies = models.Pregnancy.objects.filter(pk__in=[o.pregnancy_id for o in objs])
        return [], _residents_by_id(list(pregnancies.values_list("resident_id", flat=True)))


class ReadOnly(admin.options.BaseModelAdmin):
    """Audit records: nobody adds, edits or deletes them here, not even a superuser."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnly, admin.TabularInline):
    model = models.BookingEvent
    extra = 0
    readonly_fields = ["at", "actor", "actor_is_staff", "kind", "data"]
    can_delete = False


@admin.register(models.Booking)
class BookingAdmin(AccessLogged, ChangesAvailability):
    list_display = ["display_reference", "site", "nurse", "start", "status", "channel"]
    list_filter = ["status", "channel", "site", "municipality"]
    search_fields = ["reference"]
    date_hierarchy = "start"
    inlines = [EventInline]
    list_select_related = ["site", "nurse", "pregnancy"]
    # Bookings change through the services (events, messages), never by editing these fields.
    readonly_fields = [
        "reference",
        "municipality",
        "pregnancy",
        "site",
        "nurse",
        "start",
        "end",
        "blocked_until",
        "status",
        "sequence",
        "expires_at",
        "channel",
        "created_by",
    ]

    def access_log_subjects(
        self, objs: list[Any]
    ) -> tuple[list[models.Booking], list[models.Resident]]:
        return objs, []


@admin.register(models.BookingEvent)
class BookingEventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["booking", "at", "kind", "actor", "actor_is_staff"]
    list_filter = ["kind"]


@admin.register(models.AccessLog)
class AccessLogAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["at", "user", "booking", "resident", "action"]


@admin.register(models.InvitationSettings)
class InvitationSettingsAdmin(admin.ModelAdmin):
    """Issue 16: per municipality, invitations on or off, the days before the one reminder and
    how long a link works (no row: on, 7 and 14 days). Invitations themselves are not listed
    here: they name residents (the follow-up list shows those that reached nobody)."""

    list_display = ["municipality", "enabled", "reminder_after_days", "link_valid_days"]

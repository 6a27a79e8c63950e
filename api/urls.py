"""/api/v1/…: the resources of issue 6, the OpenAPI schema and its docs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import include, path, re_path, register_converter
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import (
    booking_views,
    contact_views,
    notification_views,
    report_views,
    schedule_views,
    views,
)


class IdConverter:
    # At most 18 digits: always fits a 64-bit key, so a huge id is a 404, never a database error.
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class ReferenceConverter:
    regex = "[A-Za-z0-9-]{1,20}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# Redoc injects its styles at run time (no nonce) and searches in a worker it starts from a
# blob: allowed on its page only, a page without data. Its third-party logo stays blocked.
REDOC_CSP: dict[str, Any] = {
    **settings.SECURE_CSP,
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "worker-src": [CSP.SELF, "blob:"],
}

register_converter(IdConverter, "id")
register_converter(ReferenceConverter, "ref")

app_name = "api"
v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path(
        "redoc/",
        csp_override(REDOC_CSP)(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
    path("sites/", views.SiteList.as_view(), name="sites"),
    path("availability/", views.AvailabilityView.as_view(), name="availability"),
    path("holds/", views.HoldCreate.as_view(), name="holds"),
    path("holds/<ref:hold_id>/", views.HoldDetail.as_view(), name="hold"),
    path("bookings/", booking_views.BookingListCreate.as_view(), name="bookings"),
    path("bookings/<ref:reference>/", booking_views.BookingDetail.as_view(), name="booking"),
    path("bookings/<ref:reference>/cancel/", booking_views.BookingCancel.as_view(), name="cancel"),
    path(
        "bookings/<ref:reference>/reschedule/",
        booking_views.BookingReschedule.as_view(),
        name="reschedule",
    ),
    path("bookings/<ref:reference>/ics", booking_views.BookingIcs.as_view(), name="ics"),
    path(
        "bookings/<ref:reference>/attendance/",
        booking_views.BookingAttendance.as_view(),
        name="attendance",
    ),
    path("contacts/", contact_views.ContactList.as_view(), name="contacts"),
    path("pregnancies/", notification_views.PregnancyByRecordKey.as_view(), name="pregnancies"),
    path(
        "pregnancies/<id:pregnancy_id>/timeline/",
        contact_views.PregnancyTimeline.as_view(),
        name="timeline",
    ),
    path("nurses/", schedule_views.NurseList.as_view(), name="nurses"),
    path("nurses/<id:nurse_id>/schedule/", schedule_views.NurseSchedule.as_view(), name="schedule"),
    path("nurses/<id:nurse_id>/rules/", schedule_views.RuleList.as_view(), name="rules"),
    path(
        "nurses/<id:nurse_id>/rules/<id:rule_id>/", schedule_views.RuleDetail.as_view(), name="rule"
    ),
    path(
        "nurses/<id:nurse_id>/time-off/", schedule_views.TimeOffList.as_view(), name="time_off_list"
    ),
    path(
        "nurses/<id:nurse_id>/time-off/<id:time_off_id>/",
        schedule_views.TimeOffDetail.as_view(),
        name="time_off",
    ),
    path("reports/utilisation/", report_views.UtilisationView.as_view(), name="utilisation"),
    path(
        "pregnancy-notifications/",
        notification_views.PregnancyNotificationCreate.as_view(),
        name="pregnancy_notifications",
    ),
]
urlpatterns = [
    path("v1/", include(v1)),
    re_path(r"^[\s\S]*$", views.NotFoundView.as_view(), name="not_found"),
]

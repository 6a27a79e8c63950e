"""Resident pages. The booking flow is mounted twice: the default municipality at "/", any
municipality at "/m/<code>/" (names prefixed "m_"); templates reverse through {% murl %}."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.urls import URLPattern, path, register_converter

from yurikago.embedding import embeddable

from . import (
    booking_details,
    bookings,
    home_visits,
    invitations,
    questionnaires,
    reminders,
    sign_in,
    verify,
    views,
)

app_name = "frontend"


class DayConverter:
    """A day in the years bookings can have (as the API's 2000–2200): a page for 9999-12-31
    is not found instead of overflowing date arithmetic. The view still parses the date."""

    regex = r"(?:20[0-9]{2}|21[0-9]{2})-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DayConverter, "day")

FLOW: list[tuple[str, Callable[..., HttpResponse], str]] = [
    ("", views.landing, "landing"),
    ("book/", views.where, "where"),
    ("book/calendar/", views.month, "month"),
    ("book/day/<day:date>/", views.day, "day"),
    ("book/hold/", views.hold, "hold"),
    ("book/details/<str:reference>/", booking_details.details, "details"),
    ("book/details/<str:reference>/release/", booking_details.release, "release"),
    ("book/verify/<str:reference>/", verify.verify, "verify"),
    (
        "book/details/<str:reference>/language/",
        booking_details.details_language,
        "details_language",
    ),
]


def _flow() -> list[URLPattern]:
    # The booking flow may be framed by its municipality's own site (yurikago/embedding.py).
    patterns = [path(route, embeddable(view), name=name) for route, view, name in FLOW]
    patterns += [
        path(f"m/<slug:muni>/{route}", embeddable(view), name=f"m_{name}")
        for route, view, name in FLOW
    ]
    return patterns


urlpatterns = [
    *_flow(),
    path("login/", sign_in.LoginView.as_view(), name="login"),
    path("bookings/", bookings.my_bookings, name="my_bookings"),
    path("bookings/reminders/", reminders.reminder_settings, name="reminder_settings"),
    path("reminders/stop/<str:token>/", reminders.reminders_stop_link, name="reminders_stop"),
    # Issue 16: her invitation link (short: it rides in an SMS).
    path("i/<int:pregnancy_id>/<str:token>/", invitations.invitation_open, name="invitation"),
    path("visits/<slug:contact_code>/", home_visits.request_visit, name="home_visit"),
    path("visits/<slug:contact_code>/cancel/", home_visits.cancel_visit, name="home_visit_cancel"),
    path("visits/<slug:contact_code>/move/", home_visits.move_visit, name="home_visit_move"),
    path("questionnaires/<slug:contact_code>/", questionnaires.answer, name="questionnaire"),
    path("bookings/<str:reference>/", bookings.booking_detail, name="booking"),
    path(
        "bookings/<str:reference>/calendar.ics", bookings.booking_calendar_file, name="booking_ics"
    ),
    path("bookings/<str:reference>/cancel/", bookings.cancel, name="cancel"),
    path("bookings/<str:reference>/change/", bookings.change_dispatch, name="change"),
    path("bookings/<str:reference>/change/<day:date>/", bookings.change_day, name="change_day"),
]

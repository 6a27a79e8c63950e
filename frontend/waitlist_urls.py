from __future__ import annotations

from django.urls import path

from . import waitlist

app_name = "waitlist"

urlpatterns = [
    path("", waitlist.waitlist, name="waitlist"),
    path("leave/", waitlist.leave, name="leave"),
    path("offers/<str:token>/", waitlist.offer, name="offer"),
]

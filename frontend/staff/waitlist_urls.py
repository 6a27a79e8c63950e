from __future__ import annotations

from django.urls import path

from . import views_waitlist

app_name = "staff_waitlist"

urlpatterns = [path("", views_waitlist.waitlist, name="list")]

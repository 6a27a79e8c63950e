"""URLs of the peer's bench project: its own app's (its e-mails reverse them)."""

from django.urls import include, path

urlpatterns = [path("appointment/", include("appointment.urls"))]

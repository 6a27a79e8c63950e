"""The project's URLs plus one view that fails, for the branded 500 page test."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from yurikago.urls import urlpatterns as project_urlpatterns


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug, for the test")


urlpatterns = [path("broken-for-tests/", broken), *project_urlpatterns]

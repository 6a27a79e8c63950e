"""Shared bits of the staff views: the menu, her sites, her time zone, safe redirects."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from scheduling.access import manager_site_ids, scope_for
from scheduling.models import Site


def staff_sites(request: HttpRequest) -> list[Site]:
    ids = scope_for(request.user).site_ids
    return list(
        Site.objects.filter(id__in=ids)
        .select_related("municipality")
        .order_by("municipality_id", "ordering_key", "id")
    )


def tz_of(sites: list[Site]) -> dt.tzinfo:
    return sites[0].municipality.tz if sites else ZoneInfo(settings.TIME_ZONE)


def today_in(tz: dt.tzinfo) -> dt.date:
    return timezone.now().astimezone(tz).date()


def render_staff(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    scope = scope_for(request.user)
    context.setdefault(
        "nav",
        {
            "is_nurse": scope.nurse_id is not None,
            "is_manager": bool(manager_site_ids(request.user)),
            "is_admin": bool(scope.admin_municipality_ids),
        },
    )
    return render(request, template, context, status=status)


ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def plain_datetime(value: object, tz: dt.tzinfo | None = None) -> object:
    """An ISO date-time text (2026-12-03T09:30:00+09:00) as the local "2026-12-03 09:30" that
    people and Excel read as a date (in `tz`, else as written); any other value unchanged."""
    if not isinstance(value, str) or not ISO_DATETIME.match(value):
        return value
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if tz is not None and moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    return moment.strftime("%Y-%m-%d %H:%M")


def back(request: HttpRequest, default: str) -> HttpResponse:
    """Back where the form was (a list or a page), never to another host."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)

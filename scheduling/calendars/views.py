"""The secret calendar feeds: no sign-in, the token in the address is the key.

The page where a nurse manages her feed and her external calendars is a staff page
(frontend/staff/views_calendars.py); both are routed by frontend/staff/calendar_urls.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from scheduling.models import Booking

from . import selectors
from .feeds import etag_matches, feed_etag, feed_ics
from .visit_feed import visit_events, visits_etag_part


@require_http_methods(["GET", "HEAD"])
def nurse_feed(request: HttpRequest, token: str) -> HttpResponse:
    nurse = selectors.nurse_by_feed_token(token)
    if nurse is None:
        raise Http404
    now = timezone.now()
    return _feed_response(
        request,
        selectors.feed_bookings_for_nurse(nurse, now=now),
        scope=f"nurse:{nurse.pk}:{nurse.feed_token_hash[:12]}:{visits_etag_part(nurse, now)}",
        name=f"{nurse.municipality.branding_name} – {nurse.name}",
        now=now,
        extra_events=lambda: visit_events(nurse, now),
    )


@require_http_methods(["GET", "HEAD"])
def site_feed(request: HttpRequest, token: str) -> HttpResponse:
    site = selectors.site_by_feed_token(token)
    if site is None:
        raise Http404
    now = timezone.now()
    return _feed_response(
        request,
        selectors.feed_bookings_for_site(site, now=now),
        scope=f"site:{site.pk}:{site.feed_token_hash[:12]}",
        name=f"{site.municipality.branding_name} – {site.name}",
        now=now,
    )


def _feed_response(
    request: HttpRequest,
    bookings: QuerySet[Booking],
    *,
    scope: str,
    name: str,
    now: dt.datetime,
    extra_events: Callable[[], list[list[str]]] | None = None,
) -> HttpResponse:
    etag = feed_etag(bookings, scope=scope, now=now)
    if etag_matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponse(status=304)  # answered from one aggregate query, nothing built
    else:
        with translation.override(settings.LANGUAGE_CODE):
            body = feed_ics(
                selectors.feed_rows(bookings),
                name=name,
                now=now,
                extra_events=extra_events() if extra_events else (),
            )
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="yurikago.ics"'
    response["ETag"] = etag
    # Private: the address is a secret, no shared cache may keep it. no-cache: revalidate, so a
    # cancellation shows up at the client's next poll.
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response

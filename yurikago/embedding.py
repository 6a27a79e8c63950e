"""A municipality may embed the resident booking pages in an iframe on its own site.

EMBED_ORIGINS (environment) names, per municipality code, the origins allowed to frame them:
"katsushika=https://www.city.katsushika.lg.jp https://kosodate.example.jp;sakuragawa=…".
The booking flow's pages (`embeddable`, applied in frontend/urls.py) then answer with
`frame-ancestors 'self' <those origins>` and no X-Frame-Options; every other page (her bookings,
sign-in, staff, admin, API docs) and every municipality without origins keeps
`frame-ancestors 'none'` and `X-Frame-Options: DENY`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP

# An origin only: https, a host name, an optional port; no path, no wildcard.
ORIGIN = re.compile(
    r"^https://[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d{1,5})?$"
)


def embed_origins_parse(value: str) -> dict[str, list[str]]:
    """ "code=origin origin;code=origin" → {code: [origins]}; anything else stops the start."""
    result: dict[str, list[str]] = {}
    for part in filter(None, (p.strip() for p in value.split(";"))):
        code, _, origins = part.partition("=")
        listed = origins.split()
        if not code.strip() or not listed:
            raise ImproperlyConfigured(f"EMBED_ORIGINS: {part!r} is not code=origin …")
        for origin in listed:
            if not ORIGIN.match(origin.lower()):
                raise ImproperlyConfigured(
                    f"EMBED_ORIGINS: {origin!r} is not an https origin (no path, no wildcard)"
                )
        result[code.strip()] = [o.lower() for o in listed]
    return result


def embeddable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let the municipality's configured origins frame this page (the booking flow only)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        code = kwargs.get("muni") or settings.DEFAULT_MUNICIPALITY
        origins = getattr(settings, "EMBED_ORIGINS", {}).get(code)
        if origins:
            policy = getattr(response, "_csp_config", None) or settings.SECURE_CSP
            response._csp_config = {**policy, "frame-ancestors": [CSP.SELF, *origins]}  # type: ignore[attr-defined]
            response.xframe_options_exempt = True
        return response

    return wrapper

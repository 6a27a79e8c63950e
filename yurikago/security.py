"""Response headers and session lifetimes that apply to every page and API answer.

- `SecurityHeadersMiddleware`: Permissions-Policy (the pages use no camera, microphone,
  location, payment…) and `Cache-Control: no-store` on every answer that does not say how it
  may be cached: pages and API answers carry her name, her bookings or the form she is filling
  in, and a shared phone's back button or a proxy must not keep them. Views that serve public,
  cacheable answers (calendar feeds, static files) set their own Cache-Control and keep it.
- `IdleSessionMiddleware`: a signed-in session ends after SESSION_IDLE_MINUTES_RESIDENT (30)
  without a request, or SESSION_IDLE_MINUTES_STAFF for a staff sign-in (password, TOTP); every
  request restarts the clock, and no session lasts past SESSION_MAX_HOURS however busy it is.
  Staff are told apart by the session's own sign-in records, so it costs no query. With
  sessions in the shared cache (yurikago.cached_db_sessions) the clock's stamp moves in the
  cache and the session row takes it every few minutes, not at each half-minute (issue 19).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)

SEEN_KEY = "yurikago_seen_at"
STARTED_KEY = "yurikago_started_at"
# Where Django's session keeps set_expiry()'s value.
EXPIRY_KEY = "_session_expiry"
# Writing the session on every request would cost a database write per page; the clock moves
# on at most this often, so the timeout is exact to within this many seconds.
SEEN_RESOLUTION_SECONDS = 30
# With sessions in a shared cache (yurikago.cached_db_sessions) the clock's stamp moves in the
# cache, and the stored session takes it only this often (or a third of the idle limit if less).
SEEN_STORED_SECONDS = 600
# allauth's record of how this session signed in (see frontend/staff/decorators.py).
AUTH_RECORDS_KEY = "account_authentication_methods"
STAFF_METHODS = {"password", "mfa"}

Handler = Callable[[HttpRequest], HttpResponse]


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Cache-Control" not in response.headers:
            patch_cache_control(response, no_store=True)
        return response


def idle_limit_seconds(request: HttpRequest) -> int:
    records = request.session.get(AUTH_RECORDS_KEY) or []
    is_staff_sign_in = any(record.get("method") in STAFF_METHODS for record in records)
    minutes = (
        settings.SESSION_IDLE_MINUTES_STAFF
        if is_staff_sign_in
        else settings.SESSION_IDLE_MINUTES_RESIDENT
    )
    return int(minutes * 60)


def stored_every_seconds(limit: int) -> int:
    """How often the stored session (database) takes her "seen" stamp while the cache keeps
    the stamp in between (yurikago.cached_db_sessions): a lost cache may sign her out this much
    sooner, never later."""
    return min(SEEN_STORED_SECONDS, limit // 3)


class IdleSessionMiddleware:
    """After AuthenticationMiddleware: signs out a session that sat idle or lived too long."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        limit = idle_limit_seconds(request)
        stored_seen = session.get(SEEN_KEY)
        # The cache's stamp is later than the stored one or absent (then the stored one counts,
        # which can only make her idle sooner).
        cached_seen = getattr(session, "seen_in_cache", None)
        seen = max((s for s in (stored_seen, cached_seen) if s is not None), default=None)
        started = session.get(STARTED_KEY, now)
        too_idle = seen is not None and now - seen > limit
        too_old = now - started > settings.SESSION_MAX_HOURS * 3600
        if too_idle or too_old:
            logout(request)
            # Middleware further on may read the user again through django.contrib.auth's
            # per-request cache; it must see nobody.
            for cached in ("_cached_user", "_acached_user"):
                if hasattr(request, cached):
                    delattr(request, cached)
            return
        if seen is not None and now - seen < SEEN_RESOLUTION_SECONDS:
            return
        stamp_seen = getattr(session, "stamp_seen", None)
        stored_every = stored_every_seconds(limit) if stamp_seen is not None else 0
        # The stored session (and its cookie) expire with the idle limit too, so an abandoned
        # one is gone from the database at the next clearsessions; past the cache's stamps too,
        # which may be up to `stored_every` later than the session's write.
        lifetime = limit + stored_every + SEEN_RESOLUTION_SECONDS
        if (
            stamp_seen is not None
            and stored_seen is not None
            and now - stored_seen < stored_every
            # A row written with a shorter life (an earlier limit or release) must be written
            # once more, or it could end before the idle limit counted from the cache's stamp.
            and session.get(EXPIRY_KEY) == lifetime
        ):
            # No database write: the stamp alone, in the cache, until the stored one is due.
            stamp_seen(now, limit + SEEN_RESOLUTION_SECONDS)
            return
        session[SEEN_KEY] = now
        session[STARTED_KEY] = started
        session.set_expiry(lifetime)

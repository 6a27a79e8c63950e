"""Rate limits in the cache (Redis when configured, so all web processes share the counters).

Rates are requests per minute from settings.API_THROTTLE_RATES, read on every request so that
tests and operators can change them; 0 switches a bucket off. Holds and bookings have their own
stricter buckets, per user and per client address, on POST only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from rest_framework import throttling

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class _PerMinute(throttling.SimpleRateThrottle):
    bucket = ""
    by_user = True
    methods: tuple[str, ...] | None = None

    def __init__(self) -> None:  # the parent reads a static rate table at init; we read ours
        pass

    def allow_request(self, request: Request, view: APIView) -> bool:
        if self.methods is not None and request.method not in self.methods:
            return True
        per_minute = int(settings.API_THROTTLE_RATES.get(self.bucket, 0))
        if per_minute <= 0:
            return True
        self.rate = f"{per_minute}/m"
        self.num_requests, self.duration = per_minute, 60
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if self.by_user:
            if not request.user or not request.user.is_authenticated:
                return None
            ident: Any = request.user.pk
        else:
            ident = self.get_ident(request)
        return f"throttle:{self.bucket}:{ident}"


class UserRateThrottle(_PerMinute):
    bucket = "user"


class IpRateThrottle(_PerMinute):
    bucket = "ip"
    by_user = False


class HoldUserThrottle(_PerMinute):
    bucket = "hold"
    methods = ("POST",)


class HoldIpThrottle(_PerMinute):
    bucket = "hold_ip"
    by_user = False
    methods = ("POST",)


class BookingUserThrottle(_PerMinute):
    bucket = "booking"
    methods = ("POST",)


class BookingIpThrottle(_PerMinute):
    bucket = "booking_ip"
    by_user = False
    methods = ("POST",)


HOLD_THROTTLES = [UserRateThrottle, IpRateThrottle, HoldUserThrottle, HoldIpThrottle]
BOOKING_THROTTLES = [UserRateThrottle, IpRateThrottle, BookingUserThrottle, BookingIpThrottle]

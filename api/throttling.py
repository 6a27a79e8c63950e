"""Rate limits in the cache (Redis when configured, so all web processes share the counters).

Rates are requests per minute from settings.API_THROTTLE_RATES, read on every request so that
tests and operators can change them; 0 switches a bucket off. Holds and bookings have their own
stricter buckets, per user and per client address, on POST only.

Each bucket is a sliding window over the last minute, as DRF's SimpleRateThrottle keeps it: a
request is let through while fewer than the rate were let through in the 60 seconds before it,
and only the ones let through count. With Redis every bucket of a request is checked and recorded
in ONE round trip (a Lua script over one sorted set per bucket), where DRF's throttles took a
read and a write per bucket: up to eight round trips on a hold. Any other cache (the tests'
local memory) keeps DRF's own per-bucket code.
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework import throttling

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

WINDOW_SECONDS = 60

# KEYS: one sorted set per bucket. ARGV: now, a token unique to this request, then each
# bucket's rate. For each bucket: drop what left the window, and if fewer than the rate remain,
# record this request ({1}); otherwise leave it as it is and answer {0, how many are in the
# window, the oldest one's time} for Retry-After.
_SLIDING_WINDOWS = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local out = {}
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[3 + i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count < rate then
    redis.call('ZADD', key, now, ARGV[3] .. ':' .. i)
    redis.call('EXPIRE', key, window + 1)
    out[i] = {1}
  else
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    out[i] = {0, count, oldest[2]}
  end
end
return out
"""


class _PerMinute(throttling.SimpleRateThrottle):
    bucket = ""
    by_user = True
    methods: tuple[str, ...] | None = None

    def __init__(self) -> None:  # the parent reads a static rate table at init; we read ours
        self._wait: float | None = None

    def per_minute(self, request: Request) -> int:
        """This bucket's rate for this request; 0 when it does not apply."""
        if self.methods is not None and request.method not in self.methods:
            return 0
        return max(0, int(settings.API_THROTTLE_RATES.get(self.bucket, 0)))

    def allow_request(self, request: Request, view: APIView) -> bool:
        per_minute = self.per_minute(request)
        if per_minute <= 0:
            return True
        if isinstance(caches["default"], RedisCache):
            return self._allow_from_redis(request, view)
        self.rate = f"{per_minute}/m"
        self.num_requests, self.duration = per_minute, WINDOW_SECONDS
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if self.by_user:
            if not request.user or not request.user.is_authenticated:
                return None
            ident: Any = request.user.pk
        else:
            ident = self.get_ident(request)
        return f"throttle:{self.bucket}:{ident}"

    def wait(self) -> float | None:
        if hasattr(self, "history"):  # DRF's path
            return super().wait()
        return self._wait

    def _allow_from_redis(self, request: Request, view: APIView) -> bool:
        # The first of the view's throttles checks every bucket of the request at once; the
        # others read their answer.
        answers = getattr(request, "_rate_limit_answers", None)
        if answers is None:
            answers = _check_in_redis(request, view)
            request._rate_limit_answers = answers
        allowed, self._wait = answers.get(self.bucket, (True, None))
        return allowed


def _check_in_redis(request: Request, view: APIView) -> dict[str, tuple[bool, float | None]]:
    cache = caches["default"]
    buckets: list[tuple[str, str, int]] = []
    for throttle in view.get_throttles():
        if not isinstance(throttle, _PerMinute):
            continue
        per_minute = throttle.per_minute(request)
        key = throttle.get_cache_key(request, view) if per_minute > 0 else None
        if key is not None:
            # Its own name: the same key held DRF's pickled list, another Redis type.
            window_key = cache.make_and_validate_key(f"{key}:window")
            buckets.append((throttle.bucket, window_key, per_minute))
    if not buckets:
        return {}
    now = time.time()
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    rows = _script(client)(
        keys=[key for _, key, _ in buckets],
        args=[repr(now), WINDOW_SECONDS, secrets.token_hex(8)]
        + [per_minute for _, _, per_minute in buckets],
        client=client,
    )
    answers: dict[str, tuple[bool, float | None]] = {}
    for (bucket, _key, per_minute), row in zip(buckets, rows, strict=True):
        if row[0] == 1:
            answers[bucket] = (True, None)
            continue
        # As DRF's wait(): the time until the oldest leaves the window, spread over the
        # requests that would then be free (None when the rate was lowered below the count).
        count, oldest = int(row[1]), float(row[2])
        free = per_minute - count + 1
        answers[bucket] = (False, (WINDOW_SECONDS - (now - oldest)) / free if free > 0 else None)
    return answers


_registered: list[Any] = []


def _script(client: Any) -> Any:
    """The Lua script, registered once per process (redis-py sends its SHA, and the source only
    when the server has not seen it); each call names the client it runs on."""
    if not _registered:
        _registered.append(client.register_script(_SLIDING_WINDOWS))
    return _registered[0]


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

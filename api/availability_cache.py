"""Per-process copies of GET /availability/'s answers (issue 19): a repeated read costs one small
cache round trip (the generation) instead of a query and a 25 KB transfer from the shared cache.

A copy serves exactly what the shared micro-cache (scheduling.availability.cache) would: the
answer to the same arguments, in the same minute, under the same generation, and no longer than
AVAILABILITY_CACHE_SECONDS after its slots were computed. A committed write that changes open
slots bumps the generation, and every process reads the generation before it answers. So do the
configuration writes (the configuration services, the admin, the municipality file), which is
how a change of a municipality or an interview type reaches the per-process lookup below.

Beside the generation the shared cache keeps an epoch, a random token: a flushed or restarted
cache starts its generation again from 0, and a new epoch keeps copies made before from
matching a number used again after.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from scheduling.availability.cache import copy_scope_key, generation_and
from scheduling.models import Municipality, Resident

log = logging.getLogger(__name__)

_EPOCH_KEY = "availability:api-epoch"


@dataclass(frozen=True)
class Stamp:
    """What a copy must match to be served, read once per request."""

    epoch: str
    generation: int
    at: float  # the request's now, POSIX seconds
    # The generation of the answer's sites (the site asked about, or any site for all sites):
    # bookings move it, not the global one. Answers must match it; lookups need not.
    scope: int = 0


def stamp_now(now: dt.datetime, site_id: int | None = None) -> Stamp | None:
    """The shared cache's generation and epoch, and the generation of the site asked about (or
    of any site); None when the micro-cache is off or unreachable (then nothing is served
    from, or kept in, this process)."""
    if settings.AVAILABILITY_CACHE_SECONDS <= 0:
        return None
    scope_key = copy_scope_key(site_id)
    try:
        generation, found = generation_and(_EPOCH_KEY, scope_key)
        epoch = found.get(_EPOCH_KEY)
        if epoch is None:
            # add() is atomic: of two processes starting an epoch at once, one token wins.
            cache.add(_EPOCH_KEY, secrets.token_hex(8), timeout=None)
            generation, found = generation_and(_EPOCH_KEY, scope_key)
            epoch = found.get(_EPOCH_KEY)
    except Exception:  # a cache outage must not take the API down with it
        log.warning("availability cache unreachable", exc_info=True)
        return None
    if epoch is None:
        return None
    scope = found.get(scope_key, 0)
    return Stamp(epoch=epoch, generation=generation, at=now.timestamp(), scope=scope)


class Copies:
    """Values kept in this process, each valid under one stamp until its deadline; bounded in
    count and bytes, the oldest dropped first, and ended ones from the front as new ones come
    (entries live seconds, so the oldest is also the first to end)."""

    def __init__(self, *, max_entries: int, max_bytes: int, scoped: bool = True) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.scoped = scoped  # valid under the stamp's scope too, not only its generation
        self._entries: dict[str, tuple[str, tuple[int, int], float, int, Any]] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str, stamp: Stamp) -> Any | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        epoch, generation, deadline, _size, value = entry
        if epoch != stamp.epoch or generation != self._generation(stamp) or stamp.at >= deadline:
            return None
        return value

    def put(self, key: str, stamp: Stamp, *, deadline: float, value: Any, size: int) -> None:
        if size > self.max_bytes or deadline <= stamp.at:
            return
        with self._lock:
            self._drop(key)
            while self._entries:
                oldest = next(iter(self._entries))
                ended = self._entries[oldest][2] <= stamp.at
                full = len(self._entries) >= self.max_entries or self._bytes + size > self.max_bytes
                if not (ended or full):
                    break
                self._drop(oldest)
            self._entries[key] = (stamp.epoch, self._generation(stamp), deadline, size, value)
            self._bytes += size

    def _generation(self, stamp: Stamp) -> tuple[int, int]:
        return (stamp.generation, stamp.scope if self.scoped else 0)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry[3]


# Whole answers by their arguments; a month at one site is ~25 KB, all sites for 92 days ~1 MB.
answers = Copies(max_entries=512, max_bytes=16 * 1024 * 1024)
# The municipality with its default interview type, by code: configuration, read on every miss.
# Bookings do not change them, so they are kept under the global generation only.
lookups = Copies(max_entries=64, max_bytes=64, scoped=False)


def answer_key(query_string: str, now: dt.datetime) -> str:
    """The request's arguments as sent, in its minute (slot starts are whole minutes, so within
    one the notice and "not in the past" bounds select the same slots, as the shared cache
    assumes), and the default municipality that fills in a missing one. Arguments that do not
    validate never reach put(), so their key never matches."""
    minute = now.astimezone(dt.UTC).strftime("%Y%m%d%H%M")
    return f"{minute}|{settings.DEFAULT_MUNICIPALITY}|{query_string}"


def _own_municipality_sql() -> str:
    r, m = Resident._meta, Municipality._meta
    resident_m = r.get_field("municipality").column
    resident_user = r.get_field("user").column
    return (
        f"SELECT m.{m.get_field('code').column} FROM {r.db_table} r "  # noqa: S608
        f"JOIN {m.db_table} m ON m.{m.pk.column} = r.{resident_m} "
        f"WHERE r.{resident_user} = %s AND m.{m.get_field('is_active').column}"
    )


_OWN_MUNICIPALITY_SQL = _own_municipality_sql()


def resident_municipality_code(user_id: int) -> str | None:
    """The code of her municipality when she is a resident of an active one (what the API
    answers a signed-in resident who names none, as `caller_municipality` decides: a resident's
    own municipality first); None otherwise. One plain query: the ORM took longer to build the
    statement than the database to run it."""
    with connection.cursor() as cursor:
        cursor.execute(_OWN_MUNICIPALITY_SQL, [user_id])
        row = cursor.fetchone()
    return None if row is None else row[0]


def kept_for(stamp: Stamp, computed_at: float) -> float:
    """The deadline of a copy whose slots were computed at `computed_at`: the shared entry
    expires no earlier, since it was stored after the computation."""
    return min(computed_at, stamp.at) + settings.AVAILABILITY_CACHE_SECONDS


def lookup[T](code: str | None, stamp: Stamp | None, load: Callable[[], T]) -> T:
    """`load()` (the municipality and its default interview type for `code`) kept in this
    process under the stamp, for at most AVAILABILITY_CACHE_SECONDS, as the slots are."""
    if stamp is None:
        return load()
    key = code or f"default:{settings.DEFAULT_MUNICIPALITY}"
    found = lookups.get(key, stamp)
    if found is not None:
        return found
    value = load()
    lookups.put(key, stamp, deadline=kept_for(stamp, stamp.at), value=value, size=1)
    return value


def clear() -> None:
    """Forget every copy in this process (tests)."""
    answers.clear()
    lookups.clear()

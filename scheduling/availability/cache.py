"""A micro-cache of computed availability for the read paths (the API, the resident month and
day pages), ended at commit by any write that changes open slots."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from ..models import (
    InterviewType,
    Mode,
    Municipality,
)
from .engine import Slot, open_slots

log = logging.getLogger(__name__)

# Bumped after every committed write that can change availability. Entries store the generation
# they were computed under and are ignored once it has moved on, so one round trip (get_many)
# reads both; the entry's TTL bounds what no write announces (a hold expiring, an admin edit).
_GENERATION_KEY = "availability:generation"

# Single flight (issue 19): of the readers that miss one entry under one generation, in any
# thread or process, one computes (it holds a short lock, SET NX EX) and the others poll the
# entry until it is stored or the generation moves (then they try the new one's lock). None
# waits longer than FLIGHT_WAIT_SECONDS in all: then it computes itself, as before. A waiter
# serves only an entry of the generation it reads at that moment, so it never gets an answer
# older than the one it would have computed: a caller reading after her own write committed
# reads the generation her write bumped, and any entry of it was computed after that bump.
FLIGHT_LOCK_SECONDS = 2  # Redis expiry is whole seconds; a crashed computer frees it by then
FLIGHT_WAIT_SECONDS = 2.0
_FLIGHT_POLLS = (0.005, 0.01, 0.02, 0.03, 0.05)  # then every 50 ms


def availability_changed() -> None:
    """Announce a write that changes open slots: the cache is invalidated when (and only if)
    the surrounding transaction commits, so a reader can never cache the data before it."""
    transaction.on_commit(_bump_generation, robust=True)


def _bump_generation() -> None:
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:  # never bumped (or evicted): start it; add() is atomic, set() is not
        cache.add(_GENERATION_KEY, 0, timeout=None)
        cache.incr(_GENERATION_KEY)


def generation_and(*keys: str) -> tuple[int, dict[str, Any]]:
    """The current generation, with other entries read in the same round trip: for callers that
    keep copies of their own (the API's per-process answers) and must drop them when it moves."""
    found = cache.get_many([_GENERATION_KEY, *keys])
    return found.pop(_GENERATION_KEY, 0), found


def _cache_key(form: str, query: dict[str, Any]) -> str:
    """Every argument, by name, so one added to open_slots later cannot share an entry."""
    parts = [f"availability:{form}"]
    for name, value in sorted(query.items()):
        if name == "now":
            # The minute: slot starts are whole minutes, so within one minute the notice and
            # "not in the past" bounds select the same slots.
            value = value.astimezone(dt.UTC).strftime("%Y%m%d%H%M")
        elif name in ("municipality", "interview_type"):
            value = value.pk
        elif name == "site_ids" and value is not None:
            value = ",".join(map(str, sorted(value)))
        parts.append(f"{name}={value}")
    return ":".join(parts)


def open_slots_cached(
    *,
    municipality: Municipality,
    interview_type: InterviewType,
    date_from: dt.date,
    date_to: dt.date,
    site_ids: Sequence[int] | None = None,
    mode: str = Mode.IN_PERSON,
    now: dt.datetime | None = None,
    ignore_notice: bool = False,
    exclude_booking_id: int | None = None,
) -> list[Slot]:
    """`open_slots` through a cache of AVAILABILITY_CACHE_SECONDS (0: off), for pages and the
    API only. Never inside a booking transaction: services must see the rows they lock."""
    return open_slots_cached_as(
        _as_list,
        municipality=municipality,
        interview_type=interview_type,
        date_from=date_from,
        date_to=date_to,
        site_ids=site_ids,
        mode=mode,
        now=now,
        ignore_notice=ignore_notice,
        exclude_booking_id=exclude_booking_id,
    )


def _as_list(slots: list[Slot]) -> list[Slot]:
    return slots


def open_slots_cached_as[T](render: Callable[[list[Slot]], T], /, **query: Any) -> T:
    """`open_slots(**query)` rendered by `render`, through the same cache: what is stored is
    the rendering, so a hit skips it too (the API keeps JSON bytes, which also unpickle far
    faster than Slot objects). `render` is part of the key by its qualified name, so it must be
    a module-level function."""
    query = {
        "site_ids": None,
        "mode": Mode.IN_PERSON,
        "ignore_notice": False,
        "exclude_booking_id": None,
        **query,
        "now": query.get("now") or timezone.now(),
    }
    if settings.AVAILABILITY_CACHE_SECONDS <= 0:
        return render(open_slots(**query))
    key = _cache_key(f"{render.__module__}.{render.__qualname__}", query)
    try:
        found = cache.get_many([_GENERATION_KEY, key])
    except Exception:  # a cache outage must not take the booking pages down with it
        log.warning("availability cache unreachable", exc_info=True)
        return render(open_slots(**query))
    # Read before computing: a write committing meanwhile bumps past it, so what we store
    # under this generation is never served after that write's bump.
    generation = found.get(_GENERATION_KEY, 0)
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    return _compute_once(key, generation, lambda: render(open_slots(**query)))


def _compute_once[T](key: str, generation: int, compute: Callable[[], T]) -> T:
    """The entry for `key` computed by this caller, or by the one that holds its lock for the
    current generation (see FLIGHT_WAIT_SECONDS)."""
    give_up = time.monotonic() + FLIGHT_WAIT_SECONDS
    polls = iter(_FLIGHT_POLLS)
    try:
        while not cache.add(_lock_key(key, generation), 1, timeout=FLIGHT_LOCK_SECONDS):
            if time.monotonic() >= give_up:
                return _compute_and_store(key, generation, compute, lock=False)
            time.sleep(next(polls, _FLIGHT_POLLS[-1]))
            found = cache.get_many([_GENERATION_KEY, key])
            generation = found.get(_GENERATION_KEY, 0)
            entry = found.get(key)
            if entry is not None and entry[0] == generation:
                return entry[1]
    except Exception:
        log.warning("availability cache unreachable", exc_info=True)
        return compute()
    return _compute_and_store(key, generation, compute, lock=True)


def _compute_and_store[T](key: str, generation: int, compute: Callable[[], T], *, lock: bool) -> T:
    global computations
    computations += 1
    try:
        rendered = compute()
    except BaseException:
        if lock:
            _unlock(key, generation)
        raise
    try:
        cache.set(key, (generation, rendered), timeout=settings.AVAILABILITY_CACHE_SECONDS)
    except Exception:
        log.warning("availability cache unreachable", exc_info=True)
    if lock:
        _unlock(key, generation)
    return rendered


def _lock_key(key: str, generation: int) -> str:
    return f"{key}:computing:{generation}"


def _unlock(key: str, generation: int) -> None:
    try:
        cache.delete(_lock_key(key, generation))
    except Exception:
        log.warning("availability cache unreachable", exc_info=True)


# Computations of the engine through this cache in this process (benches and tests read it).
computations = 0

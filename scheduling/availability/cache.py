"""A micro-cache of computed availability for the read paths (the API, the resident month and
day pages), ended at commit by any write that changes open slots."""

from __future__ import annotations

import datetime as dt
import logging
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
    rendered = render(open_slots(**query))
    try:
        cache.set(key, (generation, rendered), timeout=settings.AVAILABILITY_CACHE_SECONDS)
    except Exception:
        log.warning("availability cache unreachable", exc_info=True)
    return rendered

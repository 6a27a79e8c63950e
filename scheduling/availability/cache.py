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
from django.db import connection, transaction
from django.utils import timezone

from ..models import (
    AvailabilityRule,
    InterviewType,
    Mode,
    Municipality,
    Site,
)
from .engine import Slot, open_slots

log = logging.getLogger(__name__)

# Bumped after every committed write that can change availability. Entries store the generation
# they were computed under and are ignored once it has moved on, so one round trip (get_many)
# reads both; the entry's TTL bounds what no write announces (a hold expiring, an admin edit).
_GENERATION_KEY = "availability:generation"
# Narrower generations (issue 19): a booking's write announces the sites whose answers it can
# change (see availability_changed), so an entry for some sites stores their generations beside
# the global one, and an entry for all of a municipality's sites its municipality's. The global
# generation still ends everything: every write that names no site bumps it (configuration,
# schedules, calendars). `_ANY_SITE_KEY` moves with every site's: for the API's per-process
# copies of all-sites answers, which cannot know the municipality before reading it.
_SITE_KEY = "availability:generation:site:{}"
_MUNICIPALITY_KEY = "availability:generation:municipality:{}"
_ANY_SITE_KEY = "availability:generation:any-site"

# Single flight (issue 19): of the readers that miss one entry under one generation, in any
# thread or process, one computes (it holds a short lock, SET NX EX) and the others poll the
# entry until it is stored or the generation moves (then they try the new one's lock). None
# waits longer than FLIGHT_WAIT_SECONDS in all: then it computes itself, as before. A waiter
# serves only an entry of the generation it reads at that moment, so it never gets an answer
# older than the one it would have computed: a caller reading after her own write committed
# reads the generation her write bumped, and any entry of it was computed after that bump.
FLIGHT_LOCK_SECONDS = 3  # Redis expiry is whole seconds; a crashed computer frees it by then
FLIGHT_WAIT_SECONDS = 3.0
_FLIGHT_POLLS = (0.005, 0.01, 0.02, 0.03, 0.05)  # then every 50 ms


def availability_changed(
    *,
    site_id: int | None = None,
    nurse_id: int | None = None,
    sites: Sequence[tuple[int, int]] | None = None,
) -> None:
    """Announce a write that changes open slots: the cache is invalidated when (and only if)
    the surrounding transaction commits, so a reader can never cache the data before it.

    Without arguments every answer ends. A booking's write (a hold, a booking, its release,
    cancellation or end) names its site and nurse: then only answers about that site, about any
    site where that nurse has rules (her time there is taken too), and about all the sites of
    their municipalities end. A change of site or nurse (a reschedule) announces both.
    `sites`: those (site, municipality) pairs when the write read them itself, after its locks
    (booking_insert.py: its statement's snapshot sees every rule a schedule edit committed
    before it), so no query after commit; without, they are read after commit."""
    if site_id is None:
        transaction.on_commit(_bump_generation, robust=True)
    elif sites is not None:
        known = tuple(sites)
        transaction.on_commit(lambda: _bump_known(known), robust=True)
    else:
        transaction.on_commit(lambda: _bump_sites(site_id, nurse_id), robust=True)


def _bump_generation() -> None:
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:  # never bumped (or evicted): start it; add() is atomic, set() is not
        cache.add(_GENERATION_KEY, 0, timeout=None)
        cache.incr(_GENERATION_KEY)


def _bump_sites(site_id: int, nurse_id: int | None) -> None:
    if settings.AVAILABILITY_CACHE_SECONDS <= 0:  # nothing kept: no query to spend on it
        _bump_generation()
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(_AFFECTED_SQL, [site_id, -1 if nurse_id is None else nurse_id])
            affected = cursor.fetchall()
    except Exception:  # unsure which: everything, as before
        log.warning("availability: sites of a write unknown, ending every answer", exc_info=True)
        _bump_generation()
        return
    _bump_known(affected)


def _bump_known(affected: Sequence[tuple[int, int]]) -> None:
    """End the answers of these (site, municipality) pairs, and the all-sites copies'."""
    if settings.AVAILABILITY_CACHE_SECONDS <= 0:  # nothing kept: one key, as before
        _bump_generation()
        return
    keys = {_ANY_SITE_KEY}
    for site, municipality in affected:
        keys.add(_SITE_KEY.format(site))
        keys.add(_MUNICIPALITY_KEY.format(municipality))
    _incr_all(sorted(keys))


def affected_sites_sql(site: str, nurse: str) -> str:
    """(site, municipality) of her site and of every site where her nurse has a rule (any,
    valid or not: more is safe); `site` and `nurse` are SQL expressions (parameters or
    subqueries)."""
    s, r = Site._meta, AvailabilityRule._meta
    sid, smun = s.pk.column, s.get_field("municipality").column
    rsite, rnurse = r.get_field("site").column, r.get_field("nurse").column
    return (
        f"SELECT {sid} AS site, {smun} AS municipality FROM {s.db_table} "  # noqa: S608
        f"WHERE {sid} = {site} "
        f"UNION SELECT s.{sid}, s.{smun} FROM {r.db_table} r "
        f"JOIN {s.db_table} s ON s.{sid} = r.{rsite} WHERE r.{rnurse} = {nurse}"
    )


_AFFECTED_SQL = affected_sites_sql("%s", "%s")


def _incr_all(keys: list[str]) -> None:
    """Each key's generation + 1, in one round trip on Redis (INCR starts a missing key at 1,
    which readers read as 0 before: it still moves)."""
    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client is not None:
        pipe = client(write=True).pipeline(transaction=False)
        for key in keys:
            pipe.incr(cache.make_and_validate_key(key))
        pipe.execute()
        return
    for key in keys:  # other caches (tests, development): Django's API, a key at a time
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, 0, timeout=None)
            cache.incr(key)


def copy_scope_key(site_id: int | None) -> str:
    """The generation a per-process copy of an API answer depends on beside the global one: its
    site's, or for all sites any site's (the municipality is not known before it is read)."""
    return _ANY_SITE_KEY if site_id is None else _SITE_KEY.format(site_id)


def scope_keys(query: dict[str, Any]) -> list[str]:
    """The generations an answer to `query` depends on beside the global one."""
    site_ids = query.get("site_ids")
    if site_ids is None:
        return [_MUNICIPALITY_KEY.format(query["municipality"].pk)]
    return [_SITE_KEY.format(site) for site in sorted(set(site_ids))]


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
    generations = [_GENERATION_KEY, *scope_keys(query)]
    try:
        found = cache.get_many([*generations, key])
    except Exception:  # a cache outage must not take the booking pages down with it
        log.warning("availability cache unreachable", exc_info=True)
        return render(open_slots(**query))
    # Read before computing: a write committing meanwhile bumps past it, so what we store
    # under this version is never served after that write's bump.
    version = _version(found, generations)
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    return _compute_once(key, generations, version, lambda: render(open_slots(**query)))


def _version(found: dict[str, Any], generations: list[str]) -> str:
    return ".".join(str(found.get(name, 0)) for name in generations)


def _compute_once[T](key: str, generations: list[str], version: str, compute: Callable[[], T]) -> T:
    """The entry for `key` computed by this caller, or by the one that holds its lock for the
    current version of its generations (see FLIGHT_WAIT_SECONDS)."""
    give_up = time.monotonic() + FLIGHT_WAIT_SECONDS
    polls = iter(_FLIGHT_POLLS)
    # The try covers the cache's calls only: an error of the computation itself is no outage,
    # and must propagate once, not be logged as one and computed a second time.
    locked = False
    try:
        while not (locked := cache.add(_lock_key(key, version), 1, timeout=FLIGHT_LOCK_SECONDS)):
            if time.monotonic() >= give_up:
                break  # computed below, unlocked
            time.sleep(next(polls, _FLIGHT_POLLS[-1]))
            # Small keys only while the other computes: the entry (tens or hundreds of KB
            # under an older version) is read once its lock is gone or the version moved.
            found = cache.get_many([*generations, _lock_key(key, version)])
            if _version(found, generations) == version and _lock_key(key, version) in found:
                continue
            version = _version(found, generations)
            entry = cache.get(key)
            if entry is not None and entry[0] == version:
                return entry[1]
    except Exception:
        log.warning("availability cache unreachable", exc_info=True)
        return compute()
    return _compute_and_store(key, version, compute, lock=locked)


def _compute_and_store[T](key: str, version: str, compute: Callable[[], T], *, lock: bool) -> T:
    global computations
    computations += 1
    try:
        rendered = compute()
    except BaseException:
        if lock:
            _unlock(key, version)
        raise
    try:
        cache.set(key, (version, rendered), timeout=settings.AVAILABILITY_CACHE_SECONDS)
    except Exception:
        log.warning("availability cache unreachable", exc_info=True)
    if lock:
        _unlock(key, version)
    return rendered


def _lock_key(key: str, version: str) -> str:
    return f"{key}:computing:{version}"


def _unlock(key: str, version: str) -> None:
    try:
        cache.delete(_lock_key(key, version))
    except Exception:
        log.warning("availability cache unreachable", exc_info=True)


# Computations of the engine through this cache in this process (benches and tests read it).
computations = 0

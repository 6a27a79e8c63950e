"""Sessions read from the shared cache, written through to the database (Django's cached_db),
plus a "last seen" stamp kept in the cache alone (issue 19).

The idle clock (yurikago.security.IdleSessionMiddleware) moved the session's own "seen" stamp,
a database write (BEGIN, UPDATE django_session, COMMIT) on a session's first request of every
half-minute: at 09:00, every resident's first request. Here the stamp of most requests goes to
its own cache key, read with the session in the same round trip, and the middleware writes the
session (and so the database) only every few minutes. The stamp only ever makes her "seen"
LATER than the stored copy's: if the cache loses it, the stored copy's older stamp counts, and
she is signed out sooner, never later.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import cached_db
from django.core.cache.backends.base import BaseCache


class SessionStore(cached_db.SessionStore):
    # When the stamp was read with the session (None: none in the cache, or not loaded here).
    seen_in_cache: int | None = None

    @property
    def _shared(self) -> BaseCache:
        """cached_db's cache (its attribute is missing from the type stubs)."""
        return self._cache  # type: ignore[attr-defined]

    def _seen_key(self) -> str:
        return f"{self.cache_key}:seen"

    def load(self) -> dict[str, Any]:
        """cached_db's load, with the stamp fetched in the same cache round trip."""
        try:
            found = self._shared.get_many([self.cache_key, self._seen_key()])
        except Exception:
            # As cached_db: a backend may refuse the key (#17810); then read the database.
            found = {}
        data = found.get(self.cache_key)
        seen = found.get(self._seen_key())
        self.seen_in_cache = seen if isinstance(seen, int) else None
        if data is None:
            s = self._get_session_from_db()  # type: ignore[attr-defined]
            if s:
                data = self.decode(s.session_data)
                self._shared.set(self.cache_key, data, self.get_expiry_age(expiry=s.expire_date))
            else:
                data = {}
        return data

    async def aload(self) -> dict[str, Any]:
        """As load(), for an ASGI request (none is served so today: the stamp must be read on
        every path that can move it, or the stored one alone would sign her out too soon)."""
        cache_key = await self.acache_key()
        seen_key = f"{cache_key}:seen"
        try:
            found = await self._shared.aget_many([cache_key, seen_key])
        except Exception:
            found = {}
        data = found.get(cache_key)
        seen = found.get(seen_key)
        self.seen_in_cache = seen if isinstance(seen, int) else None
        if data is None:
            s = await self._aget_session_from_db()  # type: ignore[attr-defined]
            if s:
                data = self.decode(s.session_data)
                expiry = await self.aget_expiry_age(expiry=s.expire_date)
                await self._shared.aset(cache_key, data, expiry)
            else:
                data = {}
        return data

    def stamp_seen(self, at: int, timeout: int) -> None:
        """Record that she was seen `at` in the cache only (the session itself is not saved)."""
        self._shared.set(self._seen_key(), at, timeout)
        self.seen_in_cache = at

    def delete(self, session_key: str | None = None) -> None:
        key = session_key or self.session_key
        super().delete(session_key)
        if key:
            self._shared.delete(f"{self.cache_key_prefix}{key}:seen")

"""Django's Redis cache, keeping one client per server instead of making one per operation.

Django's RedisCacheClient.get_client() builds a new redis.Redis around the (kept) connection pool
on every cache call. Building one costs ~100–160 µs of CPU (its response callbacks and options),
about a third of a small cache read, and every request pays it several times: the rate limits,
the availability copies' stamp, the nudges (issue 19, found profiling the rush). A redis.Redis
is safe to share between threads (each command takes a connection from the pool) and holds no
socket itself; the pool makes new connections after a fork. So the client is made once per
server and kept.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class KeptClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django: Any = self  # its private helpers, which django-stubs does not declare
        index = django._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            # Two threads may both make one the first time: either is right, one is kept.
            pool = django._get_connection_pool(write)
            client = self._clients.setdefault(index, django._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    """settings.CACHES BACKEND "yurikago.cache.RedisCache": Django's, with kept clients."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient

    def warm(self) -> None:
        """Import redis-py and make the client (yurikago.warm): Django imports redis-py when a
        process first uses its cache, ~75 ms of CPU that each gunicorn worker paid on its first
        request. No connection is opened here; a pool made before a fork makes its own
        connections in each child."""
        self._cache.get_client()

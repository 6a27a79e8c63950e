"""What a web process would otherwise load on its first requests, loaded before it serves any.

Django imports the URLconf (and with it every view, serializer and form module) on the first
request a process serves, and each language's translation catalogs on the first request in that
language: here about 0.6 s of CPU for the URLs and 10–35 ms a language; and redis-py on the
first use of the shared cache, ~75 ms. Under gunicorn each
worker paid it, while holding the GIL its other threads needed, on its first request after a
start and again after every recycle (max_requests): at 09:00 a new worker's first requests
waited behind it (issue 19, found profiling the rush).

gunicorn_conf calls warm_process() in the master once the application is preloaded, so every
worker it forks starts with all of it in memory (copy-on-write), and again in each worker before
it accepts (instant when inherited; the load itself when the application is not preloaded).
Nothing here touches the database: a connection opened in the master would be shared by every
worker it forks.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.urls import get_resolver
from django.utils import translation


def warm_process() -> None:
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018  (imports the URL modules, their views and serializers)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            # The catalogs of every installed app in this language, and the URLs' reverse
            # lookup, which is built per language.
            resolver.reverse_dict  # noqa: B018
    warm_cache = getattr(cache, "warm", None)  # yurikago.cache.RedisCache's (not locmem's)
    if warm_cache is not None:
        warm_cache()

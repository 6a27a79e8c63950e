"""The real WSGI app with the benchmark URLconf (the real URLs plus /bench/ceiling)."""

from django.conf import settings

from yurikago.wsgi import application  # noqa: F401  (sets up Django)

settings.ROOT_URLCONF = "bench.api_urls"

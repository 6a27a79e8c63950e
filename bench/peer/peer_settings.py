"""Django settings for the peer (django-appointment 3.12), benched by bench/peer/peer_bench.py.

Only what its booking and slot views need: its app, auth, sessions, templates (its e-mails), an
in-memory cache (its Config cache) and e-mail kept in memory (nothing leaves the machine). The
database is PostgreSQL on 127.0.0.1, PEER_DATABASE_URL (default bench_peer; wiped by the bench),
or a SQLite file when PEER_DATABASE_URL is sqlite:///<absolute path> (bench_peer.py --sqlite).
"""

import os
from urllib.parse import urlparse

_url = urlparse(
    os.environ.get("PEER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_peer")
)

SECRET_KEY = "peer-bench-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
USE_TZ = True
TIME_ZONE = "Asia/Tokyo"
LANGUAGE_CODE = "en"
USE_I18N = True
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "phonenumber_field",
    "appointment",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "peer_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _url.path.lstrip("/"),
        "USER": _url.username or "postgres",
        "PASSWORD": _url.password or "",
        "HOST": _url.hostname or "127.0.0.1",
        "PORT": _url.port or 5432,
        # As a request sees it: autocommit (no ATOMIC_REQUESTS), the connection kept as ours is.
        "CONN_MAX_AGE": 60,
    }
}
if _url.scheme == "sqlite":  # the in-process engine's comparison: the peer on SQLite as ours is
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": _url.path}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "peer@bench.example"
ADMINS: list[str] = []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
APPOINTMENT_WEBSITE_NAME = "Peer bench"
APPOINTMENT_SLOT_DURATION = 30
APPOINTMENT_BUFFER_TIME = 0
APPOINTMENT_LEAD_TIME = (9, 0)
APPOINTMENT_FINISH_TIME = (19, 30)
PHONENUMBER_DEFAULT_REGION = "JP"

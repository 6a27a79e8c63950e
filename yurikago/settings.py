"""Yurikago settings, read from the environment.

Every variable is documented in `.env.example`. Defaults are the safe embedded ones: SQLite,
console email, SMS to the console, DEBUG off. A missing SECRET_KEY is an error unless DEBUG is on.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from yurikago.embedding import embed_origins_parse
from yurikago.env import envbool, envchoice, envint, envlist, envstr, load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent

# `.env` (or the file ENV_FILE names) fills in what the process environment does not set; an
# empty value counts as unset. Its strict format is described in yurikago/env.py.
load_env_file(Path(os.environ.get("ENV_FILE") or BASE_DIR / ".env"))

DEBUG = envbool("DEBUG")
SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
# During a SECRET_KEY rotation the previous keys (comma-separated) still verify sessions, password
# reset links and signed values; remove them once those have expired (docs/deployment.md).
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_ROOT = envstr("SITE_ROOT", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Before allauth, so frontend/templates/account/… and allauth/layouts/… override its pages.
    "frontend",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "simple_history",
    "scheduling",
    "notifications",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Permissions-Policy, and no-store on answers that do not say how they may be cached.
    "yurikago.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, reading the user with her scope's rows in one statement (issue 19).
    "yurikago.session_user.AuthenticationMiddleware",
    # Signs out sessions idle too long (residents 30 min, staff per setting) or too old.
    "yurikago.security.IdleSessionMiddleware",
    # Configuration history (sites, hours, closures, types, texts) records who made each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Marks the user with whether her session passed password + TOTP (scheduling.access).
    "yurikago.staff_sessions.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "yurikago.urls"
WSGI_APPLICATION = "yurikago.wsgi.application"
ASGI_APPLICATION = "yurikago.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# SQLite by default with IMMEDIATE transactions: every write transaction takes the write lock at
# BEGIN, so check-then-insert in the booking service is serialised. DATABASE_URL switches to
# PostgreSQL, where exclusion constraints enforce the same invariants.
DATABASE_URL = envstr("DATABASE_URL")
if DATABASE_URL:
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": envstr("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
# The booking's hot statements are prepared once per connection (yurikago/db.py). Off behind a
# transaction-mode pooler that cannot keep prepared statements (PgBouncer older than 1.21).
DATABASE_PREPARED_STATEMENTS = envbool("DATABASE_PREPARED_STATEMENTS", "True")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "scheduling.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages ----------------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [
    ("ja", "日本語"),
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("ko", "한국어"),
    ("vi", "Tiếng Việt"),
    ("ne", "नेपाली"),
    ("tl", "Tagalog"),
    ("ja-easy", "やさしい にほんご"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "static/"
# Where `collectstatic` writes (the release step); the code directory may be read-only.
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", "") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Security -----------------------------------------------------------------------------------
# Off by default: the embedded run is plain http://127.0.0.1. Production (behind TLS) turns
# them on from the environment; .env.example lists the production values.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "False")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "False")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "False")
# "HEADER,value" that the reverse proxy (and only it) sets on HTTPS requests, e.g.
# HTTP_X_FORWARDED_PROTO,https. Unset: trust no header (a client could forge it).
SECURE_PROXY_SSL_HEADER: tuple[str, str] | None = None
if _proxy_ssl_header := envlist("SECURE_PROXY_SSL_HEADER"):
    if len(_proxy_ssl_header) != 2 or not _proxy_ssl_header[0].startswith("HTTP_"):
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER must be HTTP_<HEADER>,<value>, "
            "e.g. HTTP_X_FORWARDED_PROTO,https"
        )
    SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header[0], _proxy_ssl_header[1])
# SECURE_COOKIES=True switches both cookies (and the language cookie) at once.
_secure_cookies = envbool("SECURE_COOKIES", "False")
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", str(_secure_cookies))
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", str(_secure_cookies))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Idle timeouts (minutes) and an absolute limit (hours), enforced by
# yurikago.security.IdleSessionMiddleware; every request restarts the idle clock.
SESSION_IDLE_MINUTES_RESIDENT = envint("SESSION_IDLE_MINUTES_RESIDENT", 30)
SESSION_IDLE_MINUTES_STAFF = envint("SESSION_IDLE_MINUTES_STAFF", 30)
SESSION_MAX_HOURS = envint("SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
# Content-Security-Policy: this origin only, no inline code (templates carry none; the API docs'
# inline bits carry the request's nonce). CSS uses a few data: images (icons).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Email (Django 6.1 mailers) -----------------------------------------------------------------
EMAIL_URL_BACKENDS = {
    # Readable text and named attachments, not raw MIME (yurikago/console_email.py).
    "console": "yurikago.console_email.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
_email_backend = envstr("EMAIL_BACKEND_KIND", "console")
if _email_backend not in EMAIL_URL_BACKENDS:
    raise ImproperlyConfigured(f"EMAIL_BACKEND_KIND must be one of {sorted(EMAIL_URL_BACKENDS)}")
_mailer_options: dict[str, object] = {}
if _email_backend == "smtp":
    _mailer_options = {
        "host": envstr("SMTP_HOST", "localhost"),
        "port": envint("SMTP_PORT", 587),
        "username": envstr("SMTP_USER"),
        "password": envstr("SMTP_PASSWORD"),
        "use_tls": envbool("SMTP_USE_TLS", "True"),
        "timeout": envint("SMTP_TIMEOUT", 10),
    }
elif _email_backend == "file":
    _mailer_options = {"file_path": envstr("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))}
MAILERS = {"default": {"BACKEND": EMAIL_URL_BACKENDS[_email_backend], "OPTIONS": _mailer_options}}
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "yurikago@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- SMS (Twilio) -------------------------------------------------------------------------------
# SMS_BACKEND: "console" (log only, the default) or "twilio".
SMS_BACKEND = envchoice("SMS_BACKEND", ("console", "twilio"), "console")
# The console transport prints the text itself only for a developer at her own machine (the
# demo's residents need their sign-in code); never in the logs, never with DEBUG off by default.
SMS_CONSOLE_SHOW_TEXT = envbool("SMS_CONSOLE_SHOW_TEXT", "True" if DEBUG else "False")
TWILIO_ACCOUNT_SID = envstr("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = envstr("TWILIO_AUTH_TOKEN")
# During a token rotation (Twilio's "secondary token"): status callbacks signed with either count.
TWILIO_SECONDARY_AUTH_TOKEN = envstr("TWILIO_SECONDARY_AUTH_TOKEN")
TWILIO_MESSAGING_SERVICE_SID = envstr("TWILIO_MESSAGING_SERVICE_SID")
TWILIO_FROM_NUMBER = envstr("TWILIO_FROM_NUMBER")
# Only for tests and benchmarks: where the twilio client sends its requests (a fake on loopback).
TWILIO_API_BASE = envstr("TWILIO_API_BASE")
TWILIO_STATUS_CALLBACK_URL = envstr("TWILIO_STATUS_CALLBACK_URL")
PROVIDER_TIMEOUT_SECONDS = envint("PROVIDER_TIMEOUT_SECONDS", 10)
# Twilio without its account or a sender would fail every SMS at send time: refuse to start.
_twilio_sender = TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER
if SMS_BACKEND == "twilio" and not (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN and _twilio_sender):
    raise ImproperlyConfigured(
        "SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and "
        "TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER"
    )

# --- LINE (Messaging API) -----------------------------------------------------------------------
# LINE_BACKEND: "console" (log only, the default) or "line" (the official account's push API).
LINE_BACKEND = envchoice("LINE_BACKEND", ("console", "line"), "console")
LINE_CHANNEL_ACCESS_TOKEN = envstr("LINE_CHANNEL_ACCESS_TOKEN")
# Verifies X-Line-Signature on the webhook.
LINE_CHANNEL_SECRET = envstr("LINE_CHANNEL_SECRET")
# Only for tests: where the SDK sends its requests (a fake on loopback); empty means LINE's own.
LINE_API_BASE = envstr("LINE_API_BASE")
# Account linking (docs/notifications.md): LINE's account-link dialog, where /line/link/ sends her.
LINE_ACCOUNT_LINK_URL = envstr(
    "LINE_ACCOUNT_LINK_URL", "https://access.line.me/dialog/bot/accountLink"
)
if LINE_BACKEND == "line" and not (LINE_CHANNEL_ACCESS_TOKEN and LINE_CHANNEL_SECRET):
    raise ImproperlyConfigured(
        "LINE_BACKEND=line needs LINE_CHANNEL_ACCESS_TOKEN and LINE_CHANNEL_SECRET"
    )

# --- Messages -----------------------------------------------------------------------------------
CIVIL_HOURS_START = envint("CIVIL_HOURS_START", 8)  # earliest local hour to send reminders
CIVIL_HOURS_END = envint("CIVIL_HOURS_END", 21)  # no reminders from this local hour on
REMINDER_STALE_HOURS = envint("REMINDER_STALE_HOURS", 6)  # older due reminders are skipped
# Transient send failures are retried 5 times, waiting about BACKOFF·2^n seconds (capped).
MESSAGE_RETRY_BACKOFF_SECONDS = envint("MESSAGE_RETRY_BACKOFF_SECONDS", 30)
MESSAGE_RETRY_BACKOFF_MAX_SECONDS = envint("MESSAGE_RETRY_BACKOFF_MAX_SECONDS", 600)
# A message left in "sending" this long after its claim is reconciled by the dispatcher.
MESSAGE_LEASE_SECONDS = envint("MESSAGE_LEASE_SECONDS", 300)
# How often beat (or `manage.py dispatch_messages --loop`) runs the dispatcher.
MESSAGE_DISPATCH_INTERVAL_SECONDS = envint("MESSAGE_DISPATCH_INTERVAL_SECONDS", 60)
# Rows one dispatcher run claims; a full page queues the next run at once (in a worker).
MESSAGE_DISPATCH_PAGE = envint("MESSAGE_DISPATCH_PAGE", 500)
# /healthz/messages answers 503 when a due message has waited this long (beat or the workers
# are down): reminders must not stop silently.
MESSAGE_LATE_AFTER_SECONDS = envint("MESSAGE_LATE_AFTER_SECONDS", 600)

# --- Celery -------------------------------------------------------------------------------------
REDIS_URL = envstr("REDIS_URL")
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
# Without a broker (the embedded default) tasks run in-process, so `make run` needs no services.
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", "False" if REDIS_URL else "True")
CELERY_TASK_TIME_LIMIT = 60
CELERY_TASK_SOFT_TIME_LIMIT = 45
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True

# --- Calendars ----------------------------------------------------------------------------------
CALENDAR_FETCH_ALLOW_LOOPBACK = envbool("CALENDAR_FETCH_ALLOW_LOOPBACK", "False")
CALENDAR_FETCH_TIMEOUT = envint("CALENDAR_FETCH_TIMEOUT", 10)
CALENDAR_FETCH_MAX_BYTES = envint("CALENDAR_FETCH_MAX_BYTES", 5 * 1024 * 1024)
CALENDAR_FETCH_MAX_REDIRECTS = envint("CALENDAR_FETCH_MAX_REDIRECTS", 3)
# More busy times than this from one calendar is a runaway rule (FREQ=MINUTELY), not a diary.
CALENDAR_MAX_BLOCKS = envint("CALENDAR_MAX_BLOCKS", 20000)
CALENDAR_FEED_PAST_DAYS = envint("CALENDAR_FEED_PAST_DAYS", 28)  # feeds show this far back
CALENDAR_FEED_KEEP_CANCELLED_DAYS = envint("CALENDAR_FEED_KEEP_CANCELLED_DAYS", 30)
CALENDAR_FEED_REFRESH_MINUTES = envint("CALENDAR_FEED_REFRESH_MINUTES", 60)

# --- allauth ------------------------------------------------------------------------------------
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
# Residents sign in with a one-time code to their mobile (SMS) or email at /login/; staff with
# email + password (+ TOTP) at /accounts/login/. Accounts are created by the booking flow or by
# administrators, never by self sign-up (the adapter closes it).
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60  # an SMS can take a minute or two to arrive
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 5
# Six digits: typed on a phone keypad (or filled in from the SMS), read aloud without ambiguity.
ACCOUNT_LOGIN_BY_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_ADAPTER = "frontend.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "request_login_code": "frontend.forms.LoginCodeRequestForm",
    "confirm_login_code": "frontend.forms.LoginCodeConfirmForm",
}
# After this many wrong sign-in codes for one number or address in a day, signing in with it
# waits until the next day (frontend/limits.py); she can use her other contact meanwhile.
LOGIN_CODE_WRONG_PER_DAY = envint("LOGIN_CODE_WRONG_PER_DAY", 10)
# Every request for a sign-in code answers after at least this long, code sent or not, so the
# answer's timing does not tell a registered number from an unknown one (frontend/sign_in.py).
LOGIN_CODE_MIN_MS = envint("LOGIN_CODE_MIN_MS", 400)
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SESSION_COOKIE_SECURE else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# The code that sets TOTP up counts as this sign-in's TOTP step (frontend/staff/mfa_forms.py).
MFA_FORMS = {"activate_totp": "frontend.staff.mfa_forms.ActivateTOTPForm"}

# Behind N trusted reverse proxies the client is the Nth address from the right of
# X-Forwarded-For (0: REMOTE_ADDR). One count for every rate limit: allauth's (sign-in), DRF's
# (API) and the booking flow's (frontend/limits.py), so clients never share one bucket.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# --- REST framework -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.UserRateThrottle",
        "api.throttling.IpRateThrottle",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.LenientContentNegotiation",
    "EXCEPTION_HANDLER": "api.exceptions.problem_details_handler",
    # Behind N trusted reverse proxies the client is the Nth address from the right of
    # X-Forwarded-For; with 0 it is REMOTE_ADDR, so a client cannot forge its way past throttles.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per minute per user (or token) and per client address; holds and bookings have their
# own stricter buckets. 0 turns a bucket off (only for load tests on one machine).
API_THROTTLE_RATES = {
    "user": envint("API_RATE_USER", 300),
    "ip": envint("API_RATE_IP", 600),
    "hold": envint("API_RATE_HOLD", 20),
    "booking": envint("API_RATE_BOOKING", 10),
    "hold_ip": envint("API_RATE_HOLD_IP", 120),
    "booking_ip": envint("API_RATE_BOOKING_IP", 60),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Yurikago API",
    "DESCRIPTION": "Booking pregnancy interviews (ゆりかご面接) in Japanese municipalities.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"ModeEnum": "scheduling.models.Mode"},
}

# --- Cache --------------------------------------------------------------------------------------
# Throttle counters live here. Per process without Redis (fine for one web process); shared by
# every web process and host when REDIS_URL (or CACHE_URL) is set.
CACHE_URL = envstr("CACHE_URL", REDIS_URL)
if CACHE_URL:
    CACHES = {
        "default": {
            # Django's, keeping its Redis client (yurikago/cache.py).
            "BACKEND": "yurikago.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "yurikago",
            "TIMEOUT": 300,
        }
    }
    # Sessions read from the shared cache, written through to the database: every signed-in
    # request read its session row (issue 19, the rush). Only with a shared cache: a cache per
    # process would keep a session another process signed out. Django's cached_db, with the idle
    # clock's stamp kept in the cache between the session's writes (yurikago.cached_db_sessions).
    SESSION_ENGINE = "yurikago.cached_db_sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Open slots computed for the API and the resident pages are reused for this many seconds (0:
# never), unless a booking or schedule change commits first. Booking services never use it.
# Without a shared cache each web process keeps its own copy, and another process's write ends
# it only by this TTL.
AVAILABILITY_CACHE_SECONDS = envint("AVAILABILITY_CACHE_SECONDS", 5)

# --- Logging ------------------------------------------------------------------------------------
# Logs carry ids and references, never names, phone numbers or anything about health.
LOG_LEVEL = envstr("LOG_LEVEL", "INFO")
# dictConfig's schema: nested dicts of mixed values (test_settings changes the root level).
# LOG_FORMAT=json writes one JSON object per line. Both formats scrub phone numbers, email
# addresses and URL tokens (yurikago/observability.py). Server errors mail ADMINS (comma-separated
# addresses) what failed and where, without Django's report of form values and local variables.
LOG_FORMAT = envstr("LOG_FORMAT") or "plain"
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")
ADMINS = envlist("ADMINS")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "feed_tokens": {"()": "scheduling.calendars.redact.RedactFeedTokens"},
    },
    "formatters": {
        "plain": {
            "class": "yurikago.observability.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"class": "yurikago.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
        "mail_admins": {
            "class": "yurikago.observability.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console", "mail_admins"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Django's own handlers (its full error mail among them) replaced by the root's.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # Feed tokens are secrets: out of 404/405 warnings and runserver's request lines.
        "django.request": {"filters": ["feed_tokens"]},
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
            "filters": ["feed_tokens"],
        },
    },
}
# Celery keeps these handlers and formats instead of installing its own on the root logger.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Optional error reporting to Sentry (or a compatible service): no personal data is sent.
SENTRY_DSN = envstr("SENTRY_DSN")
if SENTRY_DSN:
    from yurikago.observability import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=envstr("SENTRY_ENVIRONMENT") or "production")

LANGUAGE_COOKIE_NAME = "yurikago_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True  # no script reads it


# --- Tenancy ------------------------------------------------------------------------------------
# Resident pages serve this municipality at "/"; others are reachable under /m/<code>/.
DEFAULT_MUNICIPALITY = envstr("DEFAULT_MUNICIPALITY", "katsushika")
# Municipalities that embed the booking pages in their own site (yurikago/embedding.py):
# "code=https://origin https://origin;code=…". Those pages allow exactly these frame-ancestors.
EMBED_ORIGINS = embed_origins_parse(envstr("EMBED_ORIGINS", ""))

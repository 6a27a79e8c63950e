"""Settings for the test suite: the real settings, plus what only tests want."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
# A developer's own .env never changes what the suite sees.
os.environ.setdefault("ENV_FILE", os.devnull)
os.environ.setdefault(
    "SQLITE_PATH", os.path.join(os.path.dirname(__file__), "..", "var", "test.sqlite3")
)

from .settings import *  # noqa: F403

# Hashing with PBKDF2 costs ~0.5 s per password on this machine; tests need no such strength.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Off, so every test (and every assertNumQueries) sees the database; the cache's own tests
# switch it on (tests/scheduling/test_availability_cache.py).
AVAILABILITY_CACHE_SECONDS = 0
# Off, so tests that ask for sign-in codes do not each wait; the timing test switches it on
# (tests/security/test_login_answers_in_the_same_time.py).
LOGIN_CODE_MIN_MS = 0

# WhiteNoise warns when STATIC_ROOT is missing; tests serve static files through the finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(exist_ok=True)  # noqa: F405

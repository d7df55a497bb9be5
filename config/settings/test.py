"""Test settings: the same as production but fast and isolated.

DATABASE_URL selects PostgreSQL (the second CI pass); otherwise SQLite, in a temp file
so that browser tests and concurrent processes share one database.
"""

import os
import tempfile

if not os.environ.get("LOOPDESK_DATA_DIR"):
    os.environ["LOOPDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="loopdesk-test-")

from .base import *  # noqa: E402,F403
from .base import DATA_DIR, DATABASES  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = True
# No persistent connections in tests: live-server request threads would keep theirs
# open and block dropping the PostgreSQL test database.
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# The Redis/RQ task backend is exercised against the real Redis on loopback (db 15).
INSTALLED_APPS = [a for a in INSTALLED_APPS if a not in ("django_rq", "django_tasks_rq")]  # noqa: F405
INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
RQ_QUEUES = {"default": {"URL": TEST_REDIS_URL}}

# A rate-limit window no test can straddle (a minute boundary made limit tests flaky).
LOOPDESK_API_RATE_WINDOW = 86_400

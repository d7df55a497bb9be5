"""Loopdesk settings. Every knob comes from the environment; see docs/configuration.md."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import data_dir, env_bool, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = data_dir()
for _sub in ("logs", "static", "media"):
    (DATA_DIR / _sub).mkdir(exist_ok=True)

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("DEBUG", False)
BASE_URL = env_str("LOOPDESK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

_base_host = BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [_base_host, "127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [BASE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves Swagger UI from its own static files (without it ninja uses a CDN)
    "django_tasks",
    "django_tasks_db",
    "loopdesk.core",
    "loopdesk.accounts",
    "loopdesk.customers",
    "loopdesk.tickets",
    "loopdesk.channels",
    "loopdesk.sla",
    "loopdesk.routing",
    "loopdesk.automation",
    "loopdesk.knowledge",
    "loopdesk.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "loopdesk.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
            ],
            # Django's i18n tags, with literal {% translate %} labels kept per language.
            "libraries": {"i18n": "loopdesk.core.templatetags.i18n_cached"},
        },
    }
]

# --- Database: PostgreSQL when DATABASE_URL is set, else SQLite (WAL) in the data dir.
DATABASE_URL = env_str("DATABASE_URL")
DB_POOL = env_int("DB_POOL", 0)  # PostgreSQL: connections per process in a pool (0: off)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            # A pooled connection goes back to the pool after each request; without a pool
            # each process keeps its one connection open between requests.
            conn_max_age=0 if DB_POOL else env_int("DB_CONN_MAX_AGE", 60),
            conn_health_checks=not DB_POOL,  # the pool checks connections itself
        )
    }
    if DB_POOL:
        # psycopg's pool inside each process (Django 5.1+): worth it with threaded web
        # workers (`loopdesk serve --threads`), where threads share DB_POOL connections.
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": DB_POOL,
            "timeout": env_int("DB_POOL_TIMEOUT", 10),
            "max_idle": 300,
        }
    # PgBouncer in transaction mode: a cursor cannot outlive its transaction.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_PGBOUNCER", False)
else:
    DATABASES = {
        "default": {
            # Django's SQLite backend plus a writer queue (see the module).
            "ENGINE": "loopdesk.core.dbbackends.sqlite3",
            "NAME": DATA_DIR / "loopdesk.sqlite3",
            # Kept open across requests, as on PostgreSQL: opening one per request ran the
            # pragmas and faulted a fresh 1 GiB memory map in again, ~10 ms on every page.
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on
                # busy_timeout instead of failing with "database is locked" on upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    # Reads go through the 1 GiB memory map (the OS page cache, shared by
                    # all workers); a 64 MiB private page cache per connection only grew
                    # each web worker's heap by ~60 MiB after a few searches.
                    "PRAGMA cache_size=-8000;"
                    "PRAGMA mmap_size=1073741824;"
                    "PRAGMA temp_store=MEMORY;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and background tasks: Redis when REDIS_URL is set, else embedded.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "shared": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
    }
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
else:
    # "shared": files in the data directory, so the web workers and `loopdesk worker` see
    # the same configuration versions (SLA policies, automation rules: a change made in
    # the web process must reach the worker's schedulers). It holds a few keys that are
    # read often and written rarely; a file cache's write lists its directory, far too
    # slow for per-request counters, which stay in process memory ("default").
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": DATA_DIR / "cache" / "shared",
        },
    }
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Auth
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["loopdesk.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "tickets:inbox"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Django's database sessions, read through one precompiled statement (see the module).
SESSION_ENGINE = "loopdesk.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = BASE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- i18n
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "loopdesk" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
S3_BUCKET = env_str("LOOPDESK_S3_BUCKET")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("LOOPDESK_S3_ENDPOINT_URL") or None,
            "region_name": env_str("LOOPDESK_S3_REGION") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG

# Upload limits: Django's own cap on request bodies held in memory, and ours per file.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("LOOPDESK_MAX_REQUEST_BYTES", 12 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
LOOPDESK_MAX_ATTACHMENT_BYTES = env_int("LOOPDESK_MAX_ATTACHMENT_BYTES", 25 * 1024 * 1024)

# --- Email (docs/channels/email.md). Mailboxes with their own SMTP settings send through
# those; everything else through EMAIL_BACKEND (console locally, SMTP via EMAIL_HOST...).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (what `make run` uses).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "support@loopdesk.localhost")
# Domain of our Message-IDs (and of reply addresses without a mailbox).
LOOPDESK_MAIL_DOMAIN = env_str("LOOPDESK_MAIL_DOMAIN", DEFAULT_FROM_EMAIL.rpartition("@")[2])
LOOPDESK_EMAIL_MAX_BYTES = env_int("LOOPDESK_EMAIL_MAX_BYTES", 25 * 1024 * 1024)
# A customer reply to a closed ticket opens a linked follow-up ("followup") or is added to
# the closed ticket as an internal note for an agent to act on ("note"); closed is final.
LOOPDESK_EMAIL_CLOSED_REPLY = env_str("LOOPDESK_EMAIL_CLOSED_REPLY", "followup")
# Caps on automatic mail (acknowledgements, notices, rule mails) per hour.
LOOPDESK_EMAIL_AUTO_PER_RECIPIENT_HOUR = env_int("LOOPDESK_EMAIL_AUTO_PER_RECIPIENT_HOUR", 5)
LOOPDESK_EMAIL_AUTO_PER_TICKET_HOUR = env_int("LOOPDESK_EMAIL_AUTO_PER_TICKET_HOUR", 5)
LOOPDESK_EMAIL_SEND_ATTEMPTS = env_int("LOOPDESK_EMAIL_SEND_ATTEMPTS", 5)
LOOPDESK_ENCRYPTION_KEY = env_str("LOOPDESK_ENCRYPTION_KEY", "")
# IMAP IDLE watchers wake the poller when new mail arrives (interval polling stays on).
LOOPDESK_IMAP_IDLE = env_bool("LOOPDESK_IMAP_IDLE", True)
# Inbound provider webhooks (django-anymail): basic-auth secret "user:password" and the
# provider's signing key. The webhook URLs answer 404 until a secret is set.
ANYMAIL = {
    "WEBHOOK_SECRET": env_str("LOOPDESK_INBOUND_WEBHOOK_SECRET", "") or None,
    "MAILGUN_WEBHOOK_SIGNING_KEY": env_str("MAILGUN_WEBHOOK_SIGNING_KEY", "") or None,
}

# --- Logging: structured-enough lines to stderr and a file in the data dir.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "file": {
            "class": "logging.handlers.WatchedFileHandler",
            "filename": str(DATA_DIR / "logs" / "loopdesk.log"),
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["console", "file"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

NINJA_PAGINATION_PER_PAGE = 25
LOOPDESK_PAGE_SIZE = 25
LOOPDESK_API_RATE_LIMIT = env_int("LOOPDESK_API_RATE_LIMIT", 600)  # requests per window per key
LOOPDESK_API_RATE_WINDOW = 60  # seconds (fixed windows)

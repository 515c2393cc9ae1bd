"""One settings module, read from the environment.

Development defaults are safe: an embedded SQLite database, DEBUG off unless ``DEBUG=1``.
``ABIERTA_PRODUCTION=1`` turns on HTTPS-only cookies, HSTS and the SSL redirect, and then a
``SECRET_KEY`` (or ``SECRET_KEY_FILE``) must be given. See docs/deploy.md.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env(name: str, default: str = "") -> str:
    """Read a setting from ``NAME`` or from the file named by ``NAME_FILE`` (for secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name, "1" if default else "0").lower()
    return value in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """A list, comma- or newline-separated (a ``NAME_FILE`` may hold one item a line)."""
    return [item.strip() for item in env(name, default).replace("\n", ",").split(",") if item.strip()]


PRODUCTION = env_bool("ABIERTA_PRODUCTION")
# Tests use plain static storage (no collectstatic manifest) and fast password hashing. Under pytest
# however it was started: `pytest`, `python -m pytest`, or a pytest-xdist worker (`python -c`).
TESTING = env_bool("ABIERTA_TESTING") or "pytest" in sys.modules
DEBUG = env_bool("DEBUG")

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required in production.")
    # Public, so prefixed as Django marks insecure keys: `check --deploy` warns (security.W009), and
    # in production the check core.E001 refuses it.
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production-0123456789"  # noqa: S105
# Older keys, still accepted for what Django signs (sessions, password-reset links, signed cookies)
# while SECRET_KEY is rotated: comma- or newline-separated, or one a line in SECRET_KEY_FALLBACKS_FILE.
# The project's own keys (receipt salt, voter hashes, ballot box) have settings of their own instead.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The absolute address of the site, used in emails, QR codes and feeds.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "abierta.core",
    "abierta.accounts",
    "abierta.plans",
    "abierta.participation",
    "abierta.development",
    "abierta.datos",
    "abierta.complaints",
    "abierta.contracting",
    "abierta.works",
    "abierta.procurement",
    "abierta.site",
]

MIDDLEWARE = [
    "abierta.complaints.middleware.ReporterPrivacyMiddleware",
    "abierta.core.middleware.RequestSizeLimitMiddleware",
    "abierta.core.cache.EdgeCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "abierta.core.middleware.PathLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "abierta.accounts.middleware.StaffSessionMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "abierta.urls"
WSGI_APPLICATION = "abierta.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "abierta.core.context_processors.site",
            ],
        },
    },
]

DATA_DIR = Path(env("ABIERTA_DATA_DIR", str(PROJECT_DIR / "var")))
DATABASES = {
    "default": dj_database_url.parse(
        # An empty DATABASE_URL (as `make fallback` sets) means the default SQLite database too.
        env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'abierta.sqlite3'}",
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Its folder readable by the site's user only (manage.py and wsgi.py set the umask for the rest).
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The task queue (abierta/core/queue.py): tasks are rows of the database, run by `abierta worker`
# (make run starts one; docs/deploy.md runs N on M machines). Tests run each task when it is enqueued.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend"
        ),
    }
}
# A task still "running" after this many seconds lost its worker: it is marked failed.
ABIERTA_TASK_LOST_AFTER = int(env("ABIERTA_TASK_LOST_AFTER", "3600"))
# A web import's file kept after an unexpected error (to run it again) is deleted after these days.
ABIERTA_IMPORT_KEEP_FAILED_DAYS = int(env("ABIERTA_IMPORT_KEEP_FAILED_DAYS", "7"))
# Contract imports on PostgreSQL write each batch on a second connection while the next is read
# (core/importing.py); off, they read and write in one thread.
ABIERTA_IMPORT_OVERLAP = env_bool("ABIERTA_IMPORT_OVERLAP", default=True)


def local_page_cache(kind: str, data_dir: Path) -> dict[str, Any]:
    """The ``default`` cache (the page cache) on one machine without Redis (decision 0026).

    ``file``: files under ``data_dir/cache``, one set for all the app's workers, kept across restarts
    (a page rendered by one worker is a hit in the others); ``locmem``: each worker's own memory,
    2,000 entries each (the default before issue 15; a QR page rotating over 10,000 works then missed
    most of the time)."""
    if kind == "file":
        return {
            "BACKEND": "abierta.core.filecache.FileCache",
            "LOCATION": str(data_dir / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 4},
        }
    if kind == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 2000}}
    raise ImproperlyConfigured(f"ABIERTA_LOCAL_PAGE_CACHE must be 'file' or 'locmem', not {kind!r}.")


# Without REDIS_URL: "file" (shared by the workers of this machine) or "locmem" (each worker's own).
# Tests always keep it in memory: pages cached by an earlier run must not answer a later one.
ABIERTA_LOCAL_PAGE_CACHE = env("ABIERTA_LOCAL_PAGE_CACHE", "file")
CACHES: dict[str, dict[str, Any]] = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}
        if env("REDIS_URL")
        else local_page_cache("locmem" if TESTING else ABIERTA_LOCAL_PAGE_CACHE, DATA_DIR)
    ),
    # Rate counters and used challenges, apart from the page cache so that filling the page cache
    # cannot evict them (a flood of distinct URLs would otherwise reset every limit). In production
    # point ABIERTA_RATELIMIT_REDIS_URL at a Redis database with `maxmemory-policy noeviction` and no
    # persistence (docs/deploy.md). Without Redis they stay in each worker's memory, never in a file
    # (the complaint channel's day key lives here): with N workers a limit lets up to N times its
    # number through, and check --deploy refuses it in production (complaints.E020; decision 0026).
    "ratelimit": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("ABIERTA_RATELIMIT_REDIS_URL", env("REDIS_URL")),
            "KEY_PREFIX": "rl",
        }
        if env("ABIERTA_RATELIMIT_REDIS_URL", env("REDIS_URL"))
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ratelimit",
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    ),
}
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if env("REDIS_URL") else "django.contrib.sessions.backends.db"
)

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "site:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Abierta")

# Sign-in throttling (abierta/accounts/throttle.py, docs/decisions/0019-account-protection.md):
# django-axes' cache handler on the "ratelimit" alias, by the combination of account and source, plus
# a generous limit per source; the source is a keyed hash of ABIERTA_CLIENT_IP_HEADER's address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
ABIERTA_LOGIN_FAILURES_PER_ACCOUNT_SOURCE = int(env("ABIERTA_LOGIN_FAILURES_PER_ACCOUNT_SOURCE", "10"))
ABIERTA_LOGIN_FAILURES_PER_SOURCE = int(env("ABIERTA_LOGIN_FAILURES_PER_SOURCE", "100"))
ABIERTA_LOGIN_LOCKOUT_MINUTES = int(env("ABIERTA_LOGIN_LOCKOUT_MINUTES", "15"))
AXES_HANDLER = "abierta.accounts.throttle.LoginThrottle"
AXES_CACHE = "ratelimit"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = ABIERTA_LOGIN_FAILURES_PER_ACCOUNT_SOURCE
AXES_COOLOFF_TIME = timedelta(minutes=ABIERTA_LOGIN_LOCKOUT_MINUTES)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "abierta.accounts.throttle.source_tag"
AXES_USERNAME_CALLABLE = "abierta.accounts.throttle.username_of"
AXES_LOCKOUT_CALLABLE = "abierta.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

# Registration and password reset: proof of work (purposes "register", "password-reset") and limits
# per source and per address, each an hour.
ABIERTA_ACCOUNT_MAILS_PER_SOURCE = int(env("ABIERTA_ACCOUNT_MAILS_PER_SOURCE", "10"))
ABIERTA_ACCOUNT_MAILS_PER_ADDRESS = int(env("ABIERTA_ACCOUNT_MAILS_PER_ADDRESS", "3"))

# Staff: a session idles out after this many minutes without a request, and ends at the latest this
# many hours after sign-in; complaint pages ask the second factor again when it was last given more
# than ABIERTA_OTP_FRESH_MINUTES ago. A first authenticator is set up through a link mailed to the
# account, valid for ABIERTA_TOTP_ENROLMENT_HOURS and once.
ABIERTA_STAFF_IDLE_MINUTES = int(env("ABIERTA_STAFF_IDLE_MINUTES", "30"))
ABIERTA_STAFF_SESSION_HOURS = int(env("ABIERTA_STAFF_SESSION_HOURS", "10"))
ABIERTA_OTP_FRESH_MINUTES = int(env("ABIERTA_OTP_FRESH_MINUTES", "15"))
ABIERTA_TOTP_ENROLMENT_HOURS = int(env("ABIERTA_TOTP_ENROLMENT_HOURS", "24"))
# A staff invitation's link (set a password, then the second factor) works this long, and once.
ABIERTA_STAFF_INVITATION_HOURS = int(env("ABIERTA_STAFF_INVITATION_HOURS", "72"))

# Spanish (Colombia) first, English second. Spanish pages live at /, English at /en/.
LANGUAGE_CODE = "es-co"
LANGUAGES = [("es-co", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Bogota"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
# Files never served at any address: photos waiting for the queue to strip their metadata, uploaded
# import files waiting for the queue to import them (abierta/core/uploads.py PrivateStorage).
ABIERTA_PRIVATE_ROOT = Path(env("ABIERTA_PRIVATE_ROOT", str(DATA_DIR / "private")))
# Uploaded files and their folders are readable by the site's own user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Uploads are read in memory up to this size, then streamed to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The non-file part of a request (form fields, JSON): Django refuses more with a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The largest request body, files included, refused with a 413 before it is read
# (core.middleware.RequestSizeLimitMiddleware): five files of ABIERTA_MAX_UPLOAD_BYTES and the text.
# Set the proxy's limit to the same (nginx client_max_body_size, docs/deploy.md).
ABIERTA_MAX_REQUEST_BYTES = int(env("ABIERTA_MAX_REQUEST_BYTES", str(60 * 1024 * 1024)))
# The largest evidence, report or minutes file accepted, in bytes.
ABIERTA_MAX_UPLOAD_BYTES = int(env("ABIERTA_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
# The largest image accepted, in pixels (width × height), read from the file's header before any
# decoding. Pillow refuses more than 89 Mpx anyway.
ABIERTA_MAX_IMAGE_PIXELS = int(env("ABIERTA_MAX_IMAGE_PIXELS", "40000000"))

# Every message is written to the outbox, in the transaction of what causes it, and delivered by the
# queue through ABIERTA_EMAIL_DELIVERY_BACKEND (abierta/core/outbox.py, docs/decisions/0021-task-queue.md).
# EMAIL_BACKEND in the environment names the delivery backend (SMTP in production).
EMAIL_BACKEND = "abierta.core.outbox.OutboxBackend"
ABIERTA_EMAIL_DELIVERY_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# 64 hex digits sealing waiting messages (voting codes, receipts, set-up links); set it apart from
# SECRET_KEY, outside the database and its backups. Defaults to a derivation of SECRET_KEY.
ABIERTA_OUTBOX_KEY = env("ABIERTA_OUTBOX_KEY")
ABIERTA_OUTBOX_KEEP_DAYS = int(env("ABIERTA_OUTBOX_KEEP_DAYS", "7"))
ABIERTA_OUTBOX_ATTEMPTS = int(env("ABIERTA_OUTBOX_ATTEMPTS", "10"))
ABIERTA_OUTBOX_BACKOFF_SECONDS = int(env("ABIERTA_OUTBOX_BACKOFF_SECONDS", "60"))
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "20"))
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Abierta <no-responder@abierta.localhost>")

# The entity that runs this site: shown in the footer, as GOV.CO portals do.
ABIERTA_ENTITY = {
    "name": env("ABIERTA_ENTITY_NAME", "Alcaldía Distrital de Cartagena de Indias"),
    "nit": env("ABIERTA_ENTITY_NIT", "890480184"),
    "address": env(
        "ABIERTA_ENTITY_ADDRESS", "Centro Diag. 30 # 30-78, Plaza de la Aduana, Cartagena de Indias, Bolívar"
    ),
    "phone": env("ABIERTA_ENTITY_PHONE", "+57 (605) 411 2370"),
    "email": env("ABIERTA_ENTITY_EMAIL", "transparenciayanticorrupcion@cartagena.gov.co"),
    "hours": env("ABIERTA_ENTITY_HOURS", "Lunes a viernes, 8:00 a. m. a 12:00 m. y 2:00 p. m. a 6:00 p. m."),
    "website": env("ABIERTA_ENTITY_WEBSITE", "https://www.cartagena.gov.co"),
}

# Security headers on every response.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # The request logger writes paths only; it never writes client addresses.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
# Anonymous visitors get public pages from the cache for up to this long; any content change
# invalidates them at once (abierta/core/cache.py). 0 turns the cache off.
ABIERTA_PAGE_CACHE_SECONDS = int(env("ABIERTA_PAGE_CACHE_SECONDS", "600"))
# A comment reported by this many people is hidden until a moderator reviews it.
ABIERTA_COMMENT_HIDE_AFTER_REPORTS = int(env("ABIERTA_COMMENT_HIDE_AFTER_REPORTS", "3"))
# Only reports from accounts whose email was confirmed at least this many days ago count toward it,
# so a handful of new accounts cannot hide what they dislike (a moderator still sees every report).
ABIERTA_COMMENT_REPORTER_MIN_AGE_DAYS = int(env("ABIERTA_COMMENT_REPORTER_MIN_AGE_DAYS", "7"))
# Comments one account may publish within ten minutes, and within a day.
ABIERTA_COMMENTS_PER_10_MINUTES = int(env("ABIERTA_COMMENTS_PER_10_MINUTES", "5"))
ABIERTA_COMMENTS_PER_DAY = int(env("ABIERTA_COMMENTS_PER_DAY", "30"))

# Complaints (denuncias): docs/security/complaints.md explains each of these.
# Argon2id for receipts and handler keys (RFC 9106's second recommendation). A system check refuses
# less than 64 MiB and 3 passes outside tests.
ABIERTA_COMPLAINTS_ARGON2_PRODUCTION = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}
ABIERTA_COMPLAINTS_ARGON2 = dict(ABIERTA_COMPLAINTS_ARGON2_PRODUCTION)
if TESTING:
    ABIERTA_COMPLAINTS_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
# The site-wide salt of receipt hashes; by default derived from SECRET_KEY. Set it once and keep it:
# in production the check complaints.E002 requires it, so that rotating SECRET_KEY keeps receipts.
ABIERTA_COMPLAINTS_RECEIPT_SALT = env("ABIERTA_COMPLAINTS_RECEIPT_SALT")
# Store keys live outside the database, so that deleting a case also makes its backups unreadable.
ABIERTA_COMPLAINTS_KEYSTORE = Path(env("ABIERTA_COMPLAINTS_KEYSTORE", str(DATA_DIR / "complaint-keys")))
# Legal terms, in Colombian business days: answer (Ley 1755 de 2015) and forward to the authority.
ABIERTA_COMPLAINTS_TERM_DAYS = int(env("ABIERTA_COMPLAINTS_TERM_DAYS", "15"))
ABIERTA_COMPLAINTS_FORWARD_DAYS = int(env("ABIERTA_COMPLAINTS_FORWARD_DAYS", "5"))
ABIERTA_COMPLAINTS_DUE_SOON_DAYS = int(env("ABIERTA_COMPLAINTS_DUE_SOON_DAYS", "3"))
# A closed case is deleted (its keys destroyed) this many days after closing; handlers are warned before.
ABIERTA_COMPLAINTS_RETENTION_DAYS = int(env("ABIERTA_COMPLAINTS_RETENTION_DAYS", str(5 * 365)))
ABIERTA_COMPLAINTS_RETENTION_WARNING_DAYS = [
    int(d) for d in env_list("ABIERTA_COMPLAINTS_RETENTION_WARNING_DAYS", "30,7")
]
# Anti-abuse, in memory only (the cache), never in the database.
ABIERTA_COMPLAINTS_POW_BITS = int(env("ABIERTA_COMPLAINTS_POW_BITS", "16"))
ABIERTA_COMPLAINTS_NOJS_WAIT_SECONDS = int(env("ABIERTA_COMPLAINTS_NOJS_WAIT_SECONDS", "20"))
# Proof of work on the other public forms (core/pow.py): a voting code, registration, password reset…
ABIERTA_POW_BITS = int(env("ABIERTA_POW_BITS", "16"))
ABIERTA_POW_NOJS_WAIT_SECONDS = int(env("ABIERTA_POW_NOJS_WAIT_SECONDS", "10"))
ABIERTA_COMPLAINTS_SUBMISSIONS_PER_HOUR = int(env("ABIERTA_COMPLAINTS_SUBMISSIONS_PER_HOUR", "10"))
ABIERTA_COMPLAINTS_RECEIPT_FAILURES = int(env("ABIERTA_COMPLAINTS_RECEIPT_FAILURES", "20"))
# Requests that may run Argon2 at once in one process (each takes 64 MiB).
ABIERTA_COMPLAINTS_ARGON2_CONCURRENCY = int(env("ABIERTA_COMPLAINTS_ARGON2_CONCURRENCY", "4"))
# Email intake (complaints_intake): the authserv-id of the city's receiving mail server, whose
# Authentication-Results DMARC pass is the only proof of a sender's address (empty: no email is
# filed as identified or answered); the largest message filed; attachments read per message.
ABIERTA_COMPLAINTS_INTAKE_AUTHSERV_ID = env("ABIERTA_COMPLAINTS_INTAKE_AUTHSERV_ID")
ABIERTA_COMPLAINTS_INTAKE_MAX_BYTES = int(env("ABIERTA_COMPLAINTS_INTAKE_MAX_BYTES", str(40 * 1024 * 1024)))
ABIERTA_COMPLAINTS_INTAKE_MAX_ATTACHMENTS = int(env("ABIERTA_COMPLAINTS_INTAKE_MAX_ATTACHMENTS", "10"))
# Where the client address comes from: REMOTE_ADDR, or a header a trusted proxy sets (HTTP_X_REAL_IP).
ABIERTA_CLIENT_IP_HEADER = env("ABIERTA_CLIENT_IP_HEADER", "REMOTE_ADDR")

# Consultation
# How one-time voting codes reach voters: "console" (development: logged), "email" (send_mail), or
# the dotted path of a class with ``send(contact, code)`` (an SMS gateway, for example).
# "fixed" accepts the known code 000000 and is refused unless DEBUG or ABIERTA_BENCH is on.
ABIERTA_VOTE_CODE_BACKEND = env("ABIERTA_VOTE_CODE_BACKEND", "console")
ABIERTA_BENCH = env_bool("ABIERTA_BENCH")
# The key of the voters' document hashes (HMAC-SHA256); by default derived from SECRET_KEY. Set it
# once, before the consultation opens, and keep it until its results are final. In production the
# check participation.E104 requires it, so that rotating SECRET_KEY does not re-open double voting.
ABIERTA_VOTER_HASH_KEY = env("ABIERTA_VOTER_HASH_KEY")
ABIERTA_VOTE_CODE_MINUTES = int(env("ABIERTA_VOTE_CODE_MINUTES", "10"))
ABIERTA_VOTE_CODE_ATTEMPTS = int(env("ABIERTA_VOTE_CODE_ATTEMPTS", "5"))
# Codes one document may request per consultation within an hour.
ABIERTA_VOTE_CODES_PER_HOUR = int(env("ABIERTA_VOTE_CODES_PER_HOUR", "5"))
# Codes one email or phone may receive per consultation within an hour (clock hour).
ABIERTA_VOTE_CODES_PER_CONTACT_PER_HOUR = int(env("ABIERTA_VOTE_CODES_PER_CONTACT_PER_HOUR", "3"))
# Codes asked from one network address (ABIERTA_CLIENT_IP_HEADER) within an hour, all consultations.
ABIERTA_VOTE_CODES_PER_SOURCE_PER_HOUR = int(env("ABIERTA_VOTE_CODES_PER_SOURCE_PER_HOUR", "10"))
# Codes the whole site sends per minute: the ceiling of what a flood can cost in email or SMS.
ABIERTA_VOTE_CODES_PER_MINUTE = int(env("ABIERTA_VOTE_CODES_PER_MINUTE", "60"))
# Hablemos questions accepted from one network address (ABIERTA_CLIENT_IP_HEADER) within an hour.
ABIERTA_DIALOGUE_QUESTIONS_PER_SOURCE_PER_HOUR = int(env("ABIERTA_DIALOGUE_QUESTIONS_PER_SOURCE_PER_HOUR", "10"))
# Levels 2 and 3: refused roll or verifier checks of one document within an hour before it is paused.
ABIERTA_VOTE_IDENTITY_FAILURES_PER_HOUR = int(env("ABIERTA_VOTE_IDENTITY_FAILURES_PER_HOUR", "5"))
# Level 3: the dotted path of a class with ``verify(consultation, document, facts) -> bool``.
ABIERTA_VOTE_VERIFIER = env("ABIERTA_VOTE_VERIFIER")
# Rows of a voter roll (padrón), blank rows included: on the staff page, and with the command.
ABIERTA_VOTE_ROLL_WEB_MAX_ROWS = int(env("ABIERTA_VOTE_ROLL_WEB_MAX_ROWS", "100000"))
ABIERTA_VOTE_ROLL_MAX_ROWS = int(env("ABIERTA_VOTE_ROLL_MAX_ROWS", "3000000"))
# The ballot box: a vote's ballot waits there, sealed, until at least this many are waiting; they are
# then moved to the ballot table together, shuffled, in one transaction (and all of them at the
# close). The key seals the waiting ballots (32 bytes as 64 hex digits; by default derived from
# SECRET_KEY); keep it out of the database and its backups (docs/security/consultation.md).
ABIERTA_BALLOT_BATCH = int(env("ABIERTA_BALLOT_BATCH", "20"))
ABIERTA_BALLOT_BOX_KEY = env("ABIERTA_BALLOT_BOX_KEY")

# Open contracting and public works.
# OCDS ocid prefix: Colombia Compra Eficiente's registered prefix, used for SECOP II contracts too.
ABIERTA_OCID_PREFIX = env("ABIERTA_OCID_PREFIX", "ocds-k50g02")
# SECOP II synchronisation (``abierta secop_sync``): the contracts data set's SODA endpoint on the
# national open data portal, an optional app token (higher rate limits; also ``*_FILE``), rows per
# request, seconds to wait for an answer, attempts after an HTTP 429, and the days of updates asked
# again before the last one reached (rows the portal publishes late).
ABIERTA_SECOP_SODA_URL = env("ABIERTA_SECOP_SODA_URL", "https://www.datos.gov.co/resource/jbjy-vk9h.json")
ABIERTA_SECOP_SODA_APP_TOKEN = env("ABIERTA_SECOP_SODA_APP_TOKEN")
ABIERTA_SECOP_SODA_PAGE_SIZE = int(env("ABIERTA_SECOP_SODA_PAGE_SIZE", "1000"))
ABIERTA_SECOP_SODA_TIMEOUT = float(env("ABIERTA_SECOP_SODA_TIMEOUT", "60"))
ABIERTA_SECOP_SODA_RETRIES = int(env("ABIERTA_SECOP_SODA_RETRIES", "3"))
ABIERTA_SECOP_SODA_OVERLAP_DAYS = int(env("ABIERTA_SECOP_SODA_OVERLAP_DAYS", "3"))
# OC4IDS project id prefix (register one with the Open Contracting Partnership for production).
ABIERTA_OC4IDS_PREFIX = env("ABIERTA_OC4IDS_PREFIX", "oc4ids-ctg000")
# Map tiles of the works map: any XYZ tile server; the site loads no script from it, only images.
ABIERTA_MAP_TILE_URL = env("ABIERTA_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
ABIERTA_MAP_ATTRIBUTION = env(
    "ABIERTA_MAP_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)
# Seconds a CDN or browser may keep the page behind a work's QR code.
ABIERTA_WORK_PAGE_MAX_AGE = int(env("ABIERTA_WORK_PAGE_MAX_AGE", "300"))
# Follow emails (confirmations and reminders) to one mailbox within an hour, about all works together;
# variants of one address (+tags, and dots at Gmail) are one mailbox. Each work allows 3 of them.
ABIERTA_FOLLOW_MAILS_PER_MAILBOX_PER_HOUR = int(env("ABIERTA_FOLLOW_MAILS_PER_MAILBOX_PER_HOUR", "5"))
# Paths answered from the page cache before the middleware stack (abierta.core.cache.EdgeCacheMiddleware).
ABIERTA_EDGE_CACHE_PATHS = [r"^/(en/)?o/[0-9A-Z]{8}$"]
# How long an app process may answer those paths with the content version it last read: a change
# saved on another app server shows there after at most this (0: read it on every request).
ABIERTA_EDGE_VERSION_SECONDS = float(env("ABIERTA_EDGE_VERSION_SECONDS", "1"))
# A cached page is emptied by changes to the sections (apps) it read; off, by any change at all.
ABIERTA_PAGE_CACHE_SECTIONS = env_bool("ABIERTA_PAGE_CACHE_SECTIONS", default=True)

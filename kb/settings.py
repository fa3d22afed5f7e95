"""Settings for the 基层心得知识库 project.

One module for every environment, driven by environment variables (see
``.env.example``). Development defaults are safe: DEBUG is off unless asked
for, and production secrets fail loudly when missing.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable (1/true/yes/on are true)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Read an integer environment variable."""
    return int(os.environ.get(name, default))


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# pytest (8.2+) sets it: tests get a key and plain static storage without weakening production.
TESTING = "PYTEST_VERSION" in os.environ

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and not (DEBUG or TESTING):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
        "Set it to a long random string (see .env.example)."
    )
# Only with debug or under pytest; production refuses to start without its own.
SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The public origin every absolute URL (share, QR, feed, mail) uses, never the Host header.
SITE_URL = os.environ.get("KB_SITE_URL", "").strip().rstrip("/")
if not SITE_URL and not (DEBUG or TESTING):
    raise ImproperlyConfigured(
        "KB_SITE_URL is required when DJANGO_DEBUG is off: the site's public origin, "
        "e.g. https://kb.example.cn (see .env.example)."
    )
SITE_URL = SITE_URL or "http://127.0.0.1:8000"
_site = urlsplit(SITE_URL)
if _site.scheme not in {"http", "https"} or not _site.netloc or _site.path or _site.query:
    raise ImproperlyConfigured(
        f"KB_SITE_URL must be an origin such as https://kb.example.cn, not {SITE_URL!r}."
    )

INSTALLED_APPS = [
    "experiences.admin_site.KbAdminConfig",  # django.contrib.admin, arranged by task
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "taggit",
    "simple_history",
    "axes",
    "django_rq",
    "experiences",
]

# kb/devtools (benchmarks, the fault drill): with DEBUG or pytest, else only by KB_DEVTOOLS.
DEVTOOLS = env_bool("KB_DEVTOOLS", DEBUG or TESTING)
if DEVTOOLS:
    INSTALLED_APPS.append("kb.devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Request id and one structured log line per request, around everything else.
    "kb.logging.RequestLogMiddleware",
    "kb.errors.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change in the revision history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout into the Chinese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kb.urls"

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
                "experiences.core.limits.limits",
                "experiences.notifications.context_processors.notifications",
                "experiences.core.display.display_context",  # 长辈模式, 高对比: kb_mode cookie
                # Last: while a signed-in page's shared copy renders, the viewer is a stand-in.
                "experiences.core.shared_pages.shared_render_context",
            ],
        },
    },
]

WSGI_APPLICATION = "kb.wsgi.application"

# No DATABASE_URL: an SQLite file; postgres://…: persistent, health-checked connections.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing for a local file.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Transactions take the write lock as they begin: two requests that read then write (the
    # posting limit) queue instead of failing ("database is locked") or both reading one count.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

# A request's longest wait for a lock or query (ms, 0: none), then the 503 (kb/errors.py);
# manage.py commands get no statement limit (manage.py).
KB_DB_LOCK_TIMEOUT_MS = env_int("KB_DB_LOCK_TIMEOUT_MS", 5000)
KB_DB_STATEMENT_TIMEOUT_MS = env_int("KB_DB_STATEMENT_TIMEOUT_MS", 15000)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c lock_timeout={KB_DB_LOCK_TIMEOUT_MS} -c statement_timeout={KB_DB_STATEMENT_TIMEOUT_MS}"
    )

# `manage.py backup` (make backup): where snapshots go, and how many are kept.
KB_BACKUP_DIR = Path(os.environ.get("KB_BACKUP_DIR", BASE_DIR / "backups"))
KB_BACKUP_KEEP = env_int("KB_BACKUP_KEEP", 14)

# Share images are drawn in Noto Sans CJK SC (fonts-noto-cjk); `manage.py check` fails without it.
SHARE_FONT_DIR = Path(os.environ.get("KB_SHARE_FONT_DIR", "/usr/share/fonts/opentype/noto"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "experiences.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "experiences:home"
LOGOUT_REDIRECT_URL = "experiences:home"

# django-axes, in the database (one count for every app server): 5 failures lock 30 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Against password spraying: an address is also locked after this many failures in 30 min.
AXES_HANDLER = "experiences.accounts.lockout.AddressLockoutHandler"
KB_LOGIN_FAILURES_PER_ADDRESS = env_int("KB_LOGIN_FAILURES_PER_ADDRESS", 20)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Failed attempts store the login form's fields: never the password (axes masks it), nor
# the CSRF token, the username or the address a second time.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken", "next"]
# Locks by the client's real address behind the proxy (experiences/core/client.py).
AXES_CLIENT_IP_CALLABLE = "experiences.core.client.client_ip"

# Days before kept client addresses are cut to their /24 or /48 (`manage.py logs_prune`).
KB_IP_RETENTION_DAYS = env_int("KB_IP_RETENTION_DAYS", 7)

# A colleague's own data: ZIP downloads, and wrong passwords on the deletion form, per hour.
KB_DATA_EXPORTS_PER_HOUR = env_int("KB_DATA_EXPORTS_PER_HOUR", 5)
# Exports of more reflections than these are built in the task queue, kept this many hours.
KB_EXPORT_QUEUE_THRESHOLD = env_int("KB_EXPORT_QUEUE_THRESHOLD", 500)
KB_DATA_EXPORT_QUEUE_THRESHOLD = env_int("KB_DATA_EXPORT_QUEUE_THRESHOLD", 2000)
KB_EXPORT_KEEP_HOURS = env_int("KB_EXPORT_KEEP_HOURS", 24)
KB_ACCOUNT_DELETE_TRIES_PER_HOUR = env_int("KB_ACCOUNT_DELETE_TRIES_PER_HOUR", 5)
# Password changes per colleague an hour: more than deletion, as refused new ones are retried.
KB_PASSWORD_CHANGE_TRIES_PER_HOUR = env_int("KB_PASSWORD_CHANGE_TRIES_PER_HOUR", 10)
# New accounts per client address an hour (an office behind one NAT may need more).
KB_SIGNUPS_PER_ADDRESS_PER_HOUR = env_int("KB_SIGNUPS_PER_ADDRESS_PER_HOUR", 10)
# Days a roster-enrolled colleague's one-time first sign-in link (账号通知单) works.
KB_ENROLMENT_LINK_DAYS = env_int("KB_ENROLMENT_LINK_DAYS", 14)
# Password reset mail: at most this many per address and per client an hour.
PASSWORD_RESETS_PER_ADDRESS = env_int("PASSWORD_RESETS_PER_ADDRESS", 3)
PASSWORD_RESETS_PER_CLIENT = env_int("PASSWORD_RESETS_PER_CLIENT", 10)

# Password reset mail: printed to the console unless SMTP is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = f"django.core.mail.backends.{'smtp' if EMAIL_HOST else 'console'}.EmailBackend"
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "基层心得知识库 <noreply@localhost>")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "experiences.accounts.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# Ours before Django's: labels end in "\uff1a", and strings Django's zh_Hans catalog lacks.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Tests render templates without running collectstatic first.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Without collectstatic (development, tests) whitenoise serves from the finders.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
# Files browsers ask for at the root (favicon.ico, the web manifest, its icons), unhashed.
WHITENOISE_ROOT = BASE_DIR / "root"
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}

# Behind a proxy the client is X-Forwarded-For's PROXY_COUNTth entry from the right.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 1)

# Security: secure by default outside development.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the enhancement script reads it for fetch()
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # The test suite talks plain HTTP to its own live server.
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not TESTING)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not TESTING)
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not TESTING)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    # Behind a TLS-terminating proxy (nginx, a cloud load balancer).
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# django-csp: scripts from our own origin only, never inline; inline styles for the admin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The cache: Redis if REDIS_URL, else local memory (docs/architecture.md#caching). Sessions
# and users come from the database on every request, whatever Redis does.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis: with IGNORE_EXCEPTIONS a Redis outage reads as misses (logged).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "kb"),
            "TIMEOUT": 3600,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Task queue: RQ (KB_QUEUE_URL, else REDIS_URL); without one debug and tests run jobs after
# commit. Failed jobs are retried after these many seconds, then kept as dead letters.
KB_QUEUE_URL = os.environ.get("KB_QUEUE_URL", REDIS_URL)
KB_TASKS_IMMEDIATE = env_bool("KB_TASKS_IMMEDIATE", not KB_QUEUE_URL and (DEBUG or TESTING))
RQ_QUEUES = {"mail": {"URL": KB_QUEUE_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 60}}
RQ_SHOW_ADMIN_LINK = False  # its dashboard is English-only; dead letters are in our admin
KB_TASK_RETRY_INTERVALS = [
    int(seconds) for seconds in os.environ.get("KB_TASK_RETRY_INTERVALS", "60,600,3600").split(",")
]
# Outbox mail not sent this long after queued is queued again by the sweep (make cron).
KB_MAIL_SWEEP_GRACE_SECONDS = env_int("KB_MAIL_SWEEP_GRACE_SECONDS", 120)
KB_MAIL_SWEEP_SECONDS = env_int("KB_MAIL_SWEEP_SECONDS", 60)
# The daily 学习专题 reminders (make cron: experiences/study/cron.py), a cron line in UTC.
KB_STUDY_REMIND_CRON = os.environ.get("KB_STUDY_REMIND_CRON", "0 0 * * *")
# Anonymous pages are cached this long at most; changes invalidate them (experiences/caching.py).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
# Which caching mechanisms run (core/caching.py): pages, shared, facts; any left out is off.
KB_CACHING = os.environ.get("KB_CACHING", "pages,shared,facts")

# Health checks from a load balancer may come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

TAGGIT_CASE_INSENSITIVE = True
# Chinese users type 、 and full-width commas between tags; one parser everywhere.
TAGGIT_TAGS_FROM_STRING = "experiences.tagging.services.tags_parse"
TAGGIT_STRING_FROM_TAGS = "experiences.tagging.services.tags_join"

# `manage.py benchmark_http` only, with DEVTOOLS: a bare view as the throughput ceiling.
BENCHMARK_CEILING = env_bool("KB_BENCHMARK_CEILING", False)

# Posting limits per author an hour: reflections, and replies (回复) counted apart.
REFLECTIONS_PER_HOUR = env_int("REFLECTIONS_PER_HOUR", 10)
REPLIES_PER_HOUR = env_int("REPLIES_PER_HOUR", 30)
# 举报 hides an item once its open flags' weights reach this: an established colleague
# weighs 1, a new account 0 (moderators' queue only), staff all of it (flags/services.py).
KB_FLAG_HIDE_THRESHOLD = env_int("KB_FLAG_HIDE_THRESHOLD", 3)
# A reporter weighs 1 from this many days old and this many published reflections.
KB_FLAG_TRUST_DAYS = env_int("KB_FLAG_TRUST_DAYS", 14)
KB_FLAG_TRUST_REFLECTIONS = env_int("KB_FLAG_TRUST_REFLECTIONS", 1)
# 举报 an hour per account and per client address (higher: an office may share one address).
KB_FLAGS_PER_HOUR = env_int("KB_FLAGS_PER_HOUR", 10)
KB_FLAGS_PER_ADDRESS_PER_HOUR = env_int("KB_FLAGS_PER_ADDRESS_PER_HOUR", 30)

# JSON lines on stdout with their request id (kb/logging.py); DJANGO_LOG_FORMAT=text: plain.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "kb.logging.RequestIdFilter"},
        # No passwords, tokens or reset links in any line (kb/logging.py).
        "redact": {"()": "kb.logging.RedactFilter"},
    },
    "formatters": {
        "json": {"()": "kb.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id", "redact"],
            "formatter": os.environ.get("DJANGO_LOG_FORMAT", "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # django-axes logs every login at INFO; lockouts still come through as warnings.
        "axes": {"level": "WARNING"},
        # Our middleware logs each request once; Django's own 4xx lines would repeat it.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}

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


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# pytest (8.2+) sets PYTEST_VERSION for the whole session; the test suite
# needs a secret key and plain static storage but must not weaken production.
TESTING = "PYTEST_VERSION" in os.environ

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        # Only with debug or under pytest; production refuses to start without its own.
        SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
            "Set it to a long random string (see .env.example)."
        )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else ""
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The site's one public origin (scheme://host[:port], no path): share tags, QR codes,
# feeds, the sitemap and mails build absolute URLs from it, never from the request's
# Host header (which a client chooses). Required in production, like the secret key.
SITE_URL = os.environ.get("KB_SITE_URL", "").strip().rstrip("/")
if not SITE_URL:
    if DEBUG or TESTING:
        SITE_URL = "http://127.0.0.1:8000"
    else:
        raise ImproperlyConfigured(
            "KB_SITE_URL is required when DJANGO_DEBUG is off: the site's public origin, "
            "e.g. https://kb.example.cn (see .env.example)."
        )
_site = urlsplit(SITE_URL)
if _site.scheme not in {"http", "https"} or not _site.netloc or _site.path or _site.query:
    raise ImproperlyConfigured(
        f"KB_SITE_URL must be an origin such as https://kb.example.cn, not {SITE_URL!r}."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
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

# Development tools (kb/devtools: benchmarks, the fault drill, the servers they
# start): installed with DEBUG or under pytest, never in production unless
# KB_DEVTOOLS=true asks for them. Without them, manage.py does not list their commands.
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

# Absent DATABASE_URL: an embedded SQLite file. postgres://…: PostgreSQL with
# persistent connections that are health-checked before reuse.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing for a local file.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A transaction takes SQLite's write lock when it begins, so two requests that
    # read and then write (the posting limit) queue instead of failing with
    # "database is locked" or both seeing the same count.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

# `manage.py backup` (make backup): where snapshots go, and how many are kept.
KB_BACKUP_DIR = Path(os.environ.get("KB_BACKUP_DIR", BASE_DIR / "backups"))
KB_BACKUP_KEEP = int(os.environ.get("KB_BACKUP_KEEP", "14"))

# Share images (experiences/sharing/images.py) are drawn in Noto Sans CJK SC from
# Debian's fonts-noto-cjk; `manage.py check` fails loudly when it is missing.
SHARE_FONT_DIR = Path(os.environ.get("KB_SHARE_FONT_DIR", "/usr/share/fonts/opentype/noto"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "experiences.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with the signed-in user's row kept in the shared cache.
    "experiences.accounts.backends.CachedModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "experiences:home"
LOGOUT_REDIRECT_URL = "experiences:home"

# Failed logins are throttled by django-axes, stored in the database so every
# app server sees the same counts: 5 failures per username+IP lock for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Password spraying (one guess at each of many usernames) never reaches the limit
# above: this handler also locks out an address after this many failures in the
# same 30 minutes, whatever the usernames (experiences/accounts/lockout.py).
AXES_HANDLER = "experiences.accounts.lockout.AddressLockoutHandler"
KB_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("KB_LOGIN_FAILURES_PER_ADDRESS", "20"))
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Failed attempts store the login form's fields: never the password (axes masks it),
# nor the CSRF token, the username or the address a second time.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken", "next"]
# Locks by the client's real address behind the proxy (experiences/core/client.py).
AXES_CLIENT_IP_CALLABLE = "experiences.core.client.client_ip"

# Client addresses the site keeps (django-axes' login records) are cut to their
# network (IPv4 /24, IPv6 /48) once older than this: `manage.py logs_prune`, daily.
KB_IP_RETENTION_DAYS = int(os.environ.get("KB_IP_RETENTION_DAYS", "7"))

# A colleague's own data: ZIP downloads, and wrong passwords on the deletion form, per hour.
KB_DATA_EXPORTS_PER_HOUR = int(os.environ.get("KB_DATA_EXPORTS_PER_HOUR", "5"))
KB_ACCOUNT_DELETE_TRIES_PER_HOUR = int(os.environ.get("KB_ACCOUNT_DELETE_TRIES_PER_HOUR", "5"))
# Password changes (each asks for the current password) per colleague an hour: more
# room than deletion, as a new password the validators refuse is tried again.
KB_PASSWORD_CHANGE_TRIES_PER_HOUR = int(os.environ.get("KB_PASSWORD_CHANGE_TRIES_PER_HOUR", "10"))

# New accounts per client address an hour (a county office behind one NAT address
# signing up together may need more for the day of its training session).
KB_SIGNUPS_PER_ADDRESS_PER_HOUR = int(os.environ.get("KB_SIGNUPS_PER_ADDRESS_PER_HOUR", "10"))

# Password reset mail: at most this many per address and per client an hour.
PASSWORD_RESETS_PER_ADDRESS = int(os.environ.get("PASSWORD_RESETS_PER_ADDRESS", "3"))
PASSWORD_RESETS_PER_CLIENT = int(os.environ.get("PASSWORD_RESETS_PER_CLIENT", "10"))

# Password reset mail: printed to the console unless SMTP is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
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

# Behind a TLS-terminating proxy the client's address comes from X-Forwarded-For
# (the entry PROXY_COUNT from the right); otherwise that header is ignored.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "1"))

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
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    # Behind a TLS-terminating proxy (nginx, a cloud load balancer).
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts only from our own origin, no
# inline script anywhere; inline style attributes are allowed for the admin.
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

# Cache and sessions: Redis when REDIS_URL is set (shared by every app server),
# otherwise local memory. The Redis backend degrades to "no cache" when Redis
# is down, and sessions live in the database behind the cache, so losing Redis
# makes the site slower, never wrong.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "kb.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "kb"),
            "TIMEOUT": 3600,
            "OPTIONS": {
                "socket_connect_timeout": 0.2,
                "socket_timeout": 0.5,
                # What every page hit reads (the content version; a colleague's
                # session, user row, state versions, facts and unread count): kept in
                # each process while Redis tracks it (kb/near_cache.py), so a page
                # hit costs no round trip.
                "NEAR_PREFIXES": [
                    "content-version",
                    "django.contrib.sessions.cached_db",
                    "auth-user:",
                    "viewer-state:",
                    "viewer:",
                    "notifications-unread:",
                ],
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "kb.sessions"

# The task queue: RQ on Redis (KB_QUEUE_URL, else REDIS_URL) sends notification mail;
# production runs `make worker` beside the app servers. Without a queue URL, debug
# and tests run each job in-process after commit (KB_TASKS_IMMEDIATE), so `make run`
# stays one command. Failed jobs are retried after these many seconds, then kept
# as dead letters (admin: 失败的任务).
KB_QUEUE_URL = os.environ.get("KB_QUEUE_URL", REDIS_URL)
KB_TASKS_IMMEDIATE = env_bool("KB_TASKS_IMMEDIATE", not KB_QUEUE_URL and (DEBUG or TESTING))
RQ_QUEUES = {"mail": {"URL": KB_QUEUE_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 60}}
RQ_SHOW_ADMIN_LINK = False  # its dashboard is English-only; dead letters are in our admin
KB_TASK_RETRY_INTERVALS = [
    int(seconds) for seconds in os.environ.get("KB_TASK_RETRY_INTERVALS", "60,600,3600").split(",")
]
# The daily 学习专题 reminders (make cron: experiences/study/cron.py), a cron line in UTC.
KB_STUDY_REMIND_CRON = os.environ.get("KB_STUDY_REMIND_CRON", "0 0 * * *")
# Anonymous pages (home, essay, principle, tag pages) are cached this long at most;
# every change that affects them invalidates them at once (experiences/caching.py).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))

# Health checks from a load balancer may come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

TAGGIT_CASE_INSENSITIVE = True
# Chinese users type 、 and full-width commas between tags; one parser everywhere.
TAGGIT_TAGS_FROM_STRING = "experiences.tagging.services.tags_parse"
TAGGIT_STRING_FROM_TAGS = "experiences.tagging.services.tags_join"

# Only for `manage.py benchmark_http`: exposes a bare view as the throughput ceiling
# (kb/devtools/urls.py), and only when DEVTOOLS is on as well.
BENCHMARK_CEILING = env_bool("KB_BENCHMARK_CEILING", False)

# Reflections: a sane posting limit per author.
REFLECTIONS_PER_HOUR = int(os.environ.get("REFLECTIONS_PER_HOUR", "10"))
# Replies (回复): the same kind of limit, counted apart from reflections.
REPLIES_PER_HOUR = int(os.environ.get("REPLIES_PER_HOUR", "30"))
# 举报: an item is hidden from public pages, until a moderator reviews it, once the summed
# trust weight of its open flags reaches this. An established colleague weighs 1, a new or
# untrusted account 0 (its flag only goes to the moderators' queue), a moderator or other
# staff member the whole threshold (experiences/flags/services.py).
KB_FLAG_HIDE_THRESHOLD = int(os.environ.get("KB_FLAG_HIDE_THRESHOLD", "3"))
# A reporter weighs 1 only once their account is this many days old and has this many
# published reflections.
KB_FLAG_TRUST_DAYS = int(os.environ.get("KB_FLAG_TRUST_DAYS", "14"))
KB_FLAG_TRUST_REFLECTIONS = int(os.environ.get("KB_FLAG_TRUST_REFLECTIONS", "1"))
# 举报 allowed an hour per account and per client address (several colleagues may share
# one office address, so that limit is higher).
KB_FLAGS_PER_HOUR = int(os.environ.get("KB_FLAGS_PER_HOUR", "10"))
KB_FLAGS_PER_ADDRESS_PER_HOUR = int(os.environ.get("KB_FLAGS_PER_ADDRESS_PER_HOUR", "30"))

# Logs are JSON lines on stdout, each with the request id of the request that
# wrote it (kb/logging.py); set DJANGO_LOG_FORMAT=text for plain text.
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

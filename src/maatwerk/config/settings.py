"""Settings for maatwerk, read from the environment.

- ``MAATWERK_ENV``: ``development`` (default) or ``production``.
- ``DATABASE_URL``: any URL dj-database-url understands; default an SQLite file under ``var/``.
- ``SECRET_KEY``: required in production; a fixed development key otherwise.
- ``ALLOWED_HOSTS``: comma-separated; default ``127.0.0.1,localhost`` in development.
- ``MAATWERK_VAR_DIR``: where the SQLite database and uploads live (default ``var/`` in the project).
- ``MAATWERK_TRUSTED_PROXIES``: comma-separated addresses or networks of the reverse proxies whose
  ``X-Forwarded-For`` gives the client's address (default none: the connection's own address).
- ``MAATWERK_SESSION_IDLE_MINUTES`` (default 30), ``MAATWERK_SESSION_MAX_HOURS`` (default 12): a session
  ends after that long without a request, and in any case that long after the login.
- ``MAATWERK_USER_FAILURE_LIMIT`` (default 20): failed logins for one username, from any address, before
  that username is locked out (five from one address lock it for that address).

With development settings (DEBUG or the fixed key) the server answers loopback only (see ``manage.py``
and ``wsgi.py``).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("MAATWERK_VAR_DIR", PROJECT_DIR / "var"))

ENV = os.environ.get("MAATWERK_ENV", "development")
if ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"MAATWERK_ENV must be 'development' or 'production', not {ENV!r}")
PRODUCTION = ENV == "production"
DEBUG = not PRODUCTION and os.environ.get("DEBUG", "1") != "0"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when MAATWERK_ENV=production")
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 - never used in production; served on loopback only

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "maatwerk.core",
    "maatwerk.registry",
    "maatwerk.trajectories",
    "maatwerk.finance",
    "maatwerk.figures",
    "maatwerk.casefiles",  # before programme: its demo (the cases) creates the projects programme's demo plans
    "maatwerk.programme",
    "maatwerk.reporting",
    "maatwerk.portal",
    "maatwerk.accounts",
    "maatwerk.api",
    "ninja",  # its own templates and static Swagger UI, so the API docs need no CDN (the CSP forbids one)
]

MIDDLEWARE = [
    "maatwerk.core.middleware.ProxyHeadersMiddleware",  # before anything reads X-Forwarded-*
    "django.middleware.security.SecurityMiddleware",
    "maatwerk.core.middleware.PrivateNoStoreMiddleware",  # outside the rest: sees every response
    "maatwerk.core.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "maatwerk.accounts.middleware.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "maatwerk.accounts.middleware.TwoFactorMiddleware",
    "maatwerk.core.middleware.DatabaseBusyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "maatwerk.core.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last: login throttling
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while an account or address is locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Two-factor authentication (TOTP) for every role with access to non-public data (programme team, AMVI,
# company and province users, Django staff): required in production, off in development.
REQUIRE_2FA = os.environ.get("MAATWERK_REQUIRE_2FA", "1" if PRODUCTION else "0") == "1"
OTP_TOTP_ISSUER = "Maatwerk verduurzaming industrie"

def _int_setting(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name, "")
    try:
        value = int(raw) if raw.strip() else default
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: a whole number is expected") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r}: at least {minimum}")
    return value


def _proxy_list(raw: str) -> list[str]:
    import ipaddress

    entries = [p.strip() for p in raw.split(",") if p.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"MAATWERK_TRUSTED_PROXIES: {entry!r} is no IP address or network (e.g. 127.0.0.1 or 10.0.0.0/8)"
            ) from None
    return entries


# Reverse proxies whose X-Forwarded-For names the client (default none: REMOTE_ADDR is the client).
MAATWERK_TRUSTED_PROXIES = _proxy_list(os.environ.get("MAATWERK_TRUSTED_PROXIES", ""))

AXES_FAILURE_LIMIT = 5  # failed logins for one username from one address before a lock-out
MAATWERK_USER_FAILURE_LIMIT = _int_setting("MAATWERK_USER_FAILURE_LIMIT", 20, minimum=AXES_FAILURE_LIMIT + 1)  # from any address
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]  # the order matters to the handler
AXES_HANDLER = "maatwerk.accounts.lockout.PerUserLimitHandler"
AXES_CLIENT_IP_CALLABLE = "maatwerk.core.middleware.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

if PRODUCTION:  # collected static files served by the app server itself
    MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "maatwerk.config.urls"
WSGI_APPLICATION = "maatwerk.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Sessions: ended after MAATWERK_SESSION_IDLE_MINUTES without a request and MAATWERK_SESSION_MAX_HOURS after
# the login (accounts.middleware.SessionTimeoutMiddleware); the cookie itself never outlives the maximum.
MAATWERK_SESSION_IDLE_MINUTES = _int_setting("MAATWERK_SESSION_IDLE_MINUTES", 30)
MAATWERK_SESSION_MAX_HOURS = _int_setting("MAATWERK_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = MAATWERK_SESSION_MAX_HOURS * 3600

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'maatwerk.sqlite3'}",
        conn_max_age=0 if not PRODUCTION else 60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Concurrent writers (issue 12, M9): every transaction takes the write lock when it begins (IMMEDIATE),
    # so two transactions never both read and then deadlock on upgrading; a writer waits up to 20 s for
    # the lock (busy timeout) instead of failing; WAL lets readers go on while one writes.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("timeout", 20)
    options.setdefault("transaction_mode", "IMMEDIATE")
    options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=20000")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache of derived figures (maatwerk.core.datacache) and of sessions. One process: in memory.
# Several workers (gunicorn): a shared cache, MAATWERK_CACHE_URL=redis://127.0.0.1:6379/0.
CACHE_URL = os.environ.get("MAATWERK_CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL, "KEY_PREFIX": "maatwerk"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # read from the cache, written through to the database
elif CACHE_URL:
    raise ImproperlyConfigured(f"MAATWERK_CACHE_URL={CACHE_URL!r}: use redis://host:port/db (or leave it empty for an in-memory cache)")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "maatwerk"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False  # numbers are formatted explicitly (tonnes filter); years stay 2025

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
NODE_MODULES = PROJECT_DIR / "node_modules"
# Front-end packages installed by `npm ci` (make install); never committed.
for prefix, sub in [
    ("vendor/rhc-css", "@rijkshuisstijl-community/components-css/dist"),
    ("vendor/rhc-tokens", "@rijkshuisstijl-community/design-tokens/dist"),
    ("vendor/htmx", "htmx.org/dist"),
    ("vendor/noto-sans", "@fontsource/noto-sans/files"),  # the open typeface, self-hosted (OFL 1.1)
]:
    if (NODE_MODULES / sub).is_dir():
        STATICFILES_DIRS.append((prefix, NODE_MODULES / sub))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "uploads"  # served only through permission-checked views, never as static
# Uploads (issue 12, M12): a body over the limit is refused with 413 before it is read, files over
# 1 MB stream to a temporary file on disk, and the first upload handler stops at the limit.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "maatwerk.trajectories.uploads.RequestSizeLimitMiddleware")
FILE_UPLOAD_HANDLERS = [
    "maatwerk.trajectories.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2560 * 1024  # the form fields besides the files

LOGIN_URL = "/inloggen/"
LOGIN_REDIRECT_URL = "/start/"  # core.views.start: each role's own landing page
LOGOUT_REDIRECT_URL = "/"
CSRF_FAILURE_VIEW = "maatwerk.core.views.csrf_failure"  # a refused form in the layout, in Dutch
# Shown on /contact/ when set; without it the page says that the address follows at go-live.
MAATWERK_CONTACT_EMAIL = os.environ.get("MAATWERK_CONTACT_EMAIL", "").strip()

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") != "0"
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

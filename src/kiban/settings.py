"""Django settings: every value comes from a KIBAN_* environment variable with a safe default."""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("KIBAN_DATA_DIR", Path.cwd() / "var")).resolve()

DEVELOPMENT_SECRET_KEY = "kiban-development-only-secret-key-never-use-in-production"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# KIBAN_ENV=production switches on every production safeguard; anything else is development.
PRODUCTION = os.environ.get("KIBAN_ENV", "development") == "production"
# Off unless asked for, in development too: the demo (`make demo`) answers a missing page or a failure with
# the real 404/500 pages, never with Django's debug pages that list every URL or show a traceback to anyone.
# Static files do not need it: WhiteNoise serves them from the apps (WHITENOISE_USE_FINDERS below).
# KIBAN_DEBUG=1 brings the debug pages back for a developer on their own machine.
DEBUG = _env_bool("KIBAN_DEBUG", False)
SECRET_KEY = os.environ.get("KIBAN_SECRET_KEY", DEVELOPMENT_SECRET_KEY)

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("KIBAN_ENV=production refuses to start with KIBAN_DEBUG on.")
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "KIBAN_ENV=production needs KIBAN_SECRET_KEY set to a random value of at least 32 characters."
        )

ALLOWED_HOSTS = [h for h in os.environ.get("KIBAN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("KIBAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "django_tasks_db",
    "ninja",
    "axes",
    "kiban.core",
    "kiban.programmes",
    "kiban.facilities",
    "kiban.genome",
    "kiban.sequencing",
    "kiban.reviews",
    "kiban.submissions",
    "kiban.agreements",
    "kiban.seeds",
    "kiban.certification",
    "kiban.binds",
    "kiban.ledger",
    "kiban.biobank",
    "kiban.biobank_access",
    "kiban.analysis_funding",
    "kiban.bioresources",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kiban.core.superuser.AdminScopeMiddleware",  # superuser status counts in /admin/ only
    "django.contrib.messages.middleware.MessageMiddleware",
    "kiban.core.middleware.RequestInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "kiban.core.middleware.ApiErrorFormatMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it turns a locked-out log-in into the lock-out page
]

# Paths whose views check their requests' text themselves (kiban.core.middleware.RequestInputMiddleware):
# the Beacon answers bad input in the Beacon's error format.
KIBAN_OWN_INPUT_CHECK = ("/api/beacon/",)

ROOT_URLCONF = "kiban.urls"
WSGI_APPLICATION = "kiban.wsgi.application"
ASGI_APPLICATION = "kiban.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kiban.core.context_processors.navigation",
            ],
        },
    },
]

# The embedded default is SQLite in WAL mode with IMMEDIATE transactions, so that concurrent writers queue
# instead of failing half-way; KIBAN_DATABASE_URL points at PostgreSQL in production.
_database_url = os.environ.get("KIBAN_DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "kiban.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account or address before the others
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password log-ins (the site's and /admin/) are locked per account and, separately, per address after
# KIBAN_LOGIN_FAILURE_LIMIT failures, for KIBAN_LOGIN_LOCKOUT_MINUTES; API tokens are not password log-ins.
AXES_FAILURE_LIMIT = int(os.environ.get("KIBAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("KIBAN_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kiban.core.throttle.lockout_response"
# Password-reset requests: at most this many e-mails per address and per e-mail in an hour.
KIBAN_PASSWORD_RESET_LIMIT = int(os.environ.get("KIBAN_PASSWORD_RESET_LIMIT", "3"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Outside production, static files are served straight from the apps (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
# Files browsers ask for at the site's root (/favicon.ico).
WHITENOISE_ROOT = PACKAGE_DIR / "static-root"
MEDIA_ROOT = Path(os.environ.get("KIBAN_MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Genome datasets (Parquet + manifest per version), written by `kiban genome ingest`.
KIBAN_GENOME_ROOT = Path(os.environ.get("KIBAN_GENOME_ROOT", DATA_DIR / "genome"))

# Attachments: the largest file accepted and the content types (checked against the file's own bytes).
KIBAN_ATTACHMENT_MAX_BYTES = int(os.environ.get("KIBAN_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Disclosure control (kiban/core/disclosure.py) of counts shown to people not entitled to the records: counts
# below the minimum cell size are shown as "<10", larger ones get the same noise for the same caller and
# question (discrete Laplace of this scale; 0 turns it off), and a caller may ask this many distinct
# questions within the window (seconds) before being told to wait (HTTP 429): 100 per hour for a signed-in
# user, 30 per hour for an anonymous address. The Beacon spends the budget on every variant query, yes/no
# answers included.
KIBAN_DISCLOSURE_MIN_CELL = int(os.environ.get("KIBAN_DISCLOSURE_MIN_CELL", 10))
KIBAN_DISCLOSURE_NOISE_SCALE = float(os.environ.get("KIBAN_DISCLOSURE_NOISE_SCALE", 2))
KIBAN_DISCLOSURE_QUERY_BUDGET = int(os.environ.get("KIBAN_DISCLOSURE_QUERY_BUDGET", 100))
KIBAN_DISCLOSURE_ANONYMOUS_QUERY_BUDGET = int(os.environ.get("KIBAN_DISCLOSURE_ANONYMOUS_QUERY_BUDGET", 30))
KIBAN_DISCLOSURE_WINDOW_SECONDS = int(os.environ.get("KIBAN_DISCLOSURE_WINDOW_SECONDS", 3600))
# Days a biobank may leave its part of an access request (分譲) unanswered before it is reminded and its desk
# marks the part overdue (kiban/biobank_access/models.py: a value outside 1-365 falls back to 14).
KIBAN_BIOBANK_ACCESS_REMINDER_DAYS = os.environ.get("KIBAN_BIOBANK_ACCESS_REMINDER_DAYS", "14")

# E-mail: printed on the console in development, sent through the SMTP relay KIBAN_EMAIL_HOST in production.
_email_backend = os.environ.get(
    "KIBAN_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _email_backend,
        "OPTIONS": (
            {
                "host": os.environ.get("KIBAN_EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("KIBAN_EMAIL_PORT", 25)),
            }
            if _email_backend.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("KIBAN_FROM_EMAIL", "kiban@localhost")

# Background work goes through Django's task framework; django-tasks-db keeps the queue in the database.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("KIBAN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

CSRF_FAILURE_VIEW = "kiban.core.views.csrf_failure"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Production is served over HTTPS only, normally behind a proxy that terminates TLS and says so in
# X-Forwarded-Proto (KIBAN_PROXY_SSL_HEADER names that header; empty when Kiban terminates TLS itself, as a
# client could otherwise claim HTTPS). Without it every request would look like HTTP and the redirect below
# would loop. KIBAN_SECURE_SSL_REDIRECT=0 leaves the HTTP-to-HTTPS redirect to the proxy.
_proxy_ssl_header = os.environ.get("KIBAN_PROXY_SSL_HEADER", "X-Forwarded-Proto" if PRODUCTION else "")
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = _env_bool("KIBAN_SECURE_SSL_REDIRECT", PRODUCTION)
# HSTS: browsers that saw the site once refuse plain HTTP for a year; the preload directive only permits a
# submission to the browsers' preload list (KIBAN_SECURE_HSTS_PRELOAD=0 withholds it).
SECURE_HSTS_SECONDS = int(os.environ.get("KIBAN_SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("KIBAN_SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = _env_bool("KIBAN_SECURE_HSTS_PRELOAD", PRODUCTION)
# A strict Content-Security-Policy in every mode (so the demo and the browser tests meet what production
# sends): scripts, styles, fonts and requests from the site itself only, no inline script, style or event
# handler. The API docs' Swagger UI is served by WhiteNoise too; its stylesheet draws icons as data: images.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

DJANGO_TABLES2_TEMPLATE = "core/table.html"  # semantic.html, paged by core/_pager.html

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KIBAN_LOG_LEVEL", "WARNING")},
}

KIBAN_SITE_URL = os.environ.get("KIBAN_SITE_URL", f"http://127.0.0.1:{os.environ.get('KIBAN_PORT', '8000')}")

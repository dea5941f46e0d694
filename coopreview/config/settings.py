"""Settings, all from the environment (healthchecks style). Nothing here exists only in production."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from coopreview.config.production import private_dir, private_file_create, private_file_write

BASE_DIR = Path(__file__).resolve().parent.parent  # the coopreview package


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Data directory: the embedded database, the generated secret key, uploads. Outside the web root.
# Created 0700 (files 0600, see production.py): it holds confidential records.
DATA_DIR = private_dir(Path(os.environ.get("COOPREVIEW_DATA_DIR", BASE_DIR.parent / "var")).resolve())


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated on first run and kept in DATA_DIR."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        private_file_write(key_file, secrets.token_urlsafe(50).encode())
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# A key generated per machine breaks sessions behind a load balancer: the servers refuse to start with
# it unless the database is the embedded SQLite file (one machine by construction). See production.py.
SECRET_KEY_GENERATED = not os.environ.get("SECRET_KEY")
DEBUG = env_bool("DEBUG", env_bool("COOPREVIEW_DEBUG", False))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_htmx",
    "coopreview.core",
    "coopreview.accounts",
    "coopreview.recommendations",
    "coopreview.importers",
    "coopreview.followup",
    "coopreview.lineage",
    "coopreview.meetings",
    "coopreview.knowledge",
    "coopreview.search",
    "coopreview.reports",
]

MIDDLEWARE = [
    "coopreview.core.logs.RequestLogMiddleware",  # first: it times and logs every response, redirects too
    "django.middleware.security.SecurityMiddleware",
    "coopreview.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every date and time on every page in the signed-in user's own time zone, if they chose one.
    "coopreview.meetings.timezones.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "coopreview.config.urls"
WSGI_APPLICATION = "coopreview.config.wsgi.application"

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
                "coopreview.core.context_processors.navigation",
            ],
        },
    },
]

# DATABASE_URL selects the engine; the default is the embedded SQLite file in WAL mode.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'coopreview.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer commits; IMMEDIATE avoids lock upgrades mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    private_file_create(DATABASES["default"]["NAME"])  # 0600 before SQLite creates it (-wal, -shm follow)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "recommendations:list"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Amsterdam")  # The Hague
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True  # serve app static files without a collectstatic step
# Uploads: outside the web root, served only through views. Several servers share one folder (NFS…).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10_485_760)
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)

# --- Production: HTTPS ------------------------------------------------------------------------------
# HTTPS=true (the site is served over HTTPS, usually by a reverse proxy) turns on every HTTPS setting
# below; each can still be set on its own. `coopreview check --deploy` is clean with HTTPS=true,
# DEBUG off, a SECRET_KEY and ALLOWED_HOSTS set (tested in core/tests/test_production.py).
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^health$"]  # load balancers probe the servers over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", env_bool("SECURE_COOKIES", HTTPS))
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", env_bool("SECURE_COOKIES", HTTPS))
# Only behind a proxy that sets X-Forwarded-Proto itself (and strips the client's): otherwise a client
# could claim HTTPS.
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# --- end of production: HTTPS ---------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "coopreview <noreply@localhost>")

PAGE_SIZE = env_int("PAGE_SIZE", 50)
HEALTH_MIN_FREE_MB = env_int("HEALTH_MIN_FREE_MB", 500)  # /health fails below this much free disk

# --- Logging: LOG_FORMAT=json writes one JSON object a line, with one line per request (request id,
# user id, path, status, duration); see core/logs.py. Text otherwise.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "coopreview.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # The request lines replace gunicorn's access log in JSON mode (`coopreview serve` turns that off).
    "loggers": {"coopreview.request": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"}},
}
# --- end of logging -------------------------------------------------------------------------------

# Search: tantivy (the default top-k engine, an index directory on each server following the database's
# change log) or "sql" for the database's own full-text index (FTS5 / tsvector + GIN).
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "")
SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR", DATA_DIR / "search-index"))
# Each server's index follows the database's change log (search/backends/tantivy_engine.py): rows are
# kept this many days at most, and a transaction committing this many seconds late is still seen.
SEARCH_LOG_RETENTION_DAYS = float(os.environ.get("SEARCH_LOG_RETENTION_DAYS", "7"))
SEARCH_LOG_LOOKBACK_SECONDS = float(os.environ.get("SEARCH_LOG_LOOKBACK_SECONDS", "600"))

"""Settings, all from the environment (healthchecks style). Nothing here exists only in production."""

import json
import os
import secrets
from datetime import timedelta
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
# The address the platform is served on, for absolute links in e-mails and .ics invitations.
# Unset: this machine on PORT (8000 by default); `coopreview demo --port N` sets it the same way.
SITE_URL = (os.environ.get("SITE_URL") or f"http://127.0.0.1:{env_int('PORT', 8000)}").rstrip("/")

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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_q",
    "rest_framework",  # the REST API (coopreview/api): Django REST framework + drf-spectacular's OpenAPI 3
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files (strict CSP, no CDN)
    "coopreview.core",
    "coopreview.accounts",
    "coopreview.recommendations",
    "coopreview.importers",
    "coopreview.followup",
    "coopreview.lineage",
    "coopreview.meetings",
    "coopreview.knowledge",
    "coopreview.assistance",
    "coopreview.search",
    "coopreview.reports",
    "coopreview.audit",
    "coopreview.inbox",
    "coopreview.jobs",
    "coopreview.webhooks",
    "coopreview.opendata",
    "coopreview.api",
]

# After this many responses a process freezes the objects it holds (core.middleware.FreezeWarmHeapMiddleware).
GC_FREEZE_AFTER = env_int("GC_FREEZE_AFTER", 20)
MIDDLEWARE = [
    "coopreview.core.logs.RequestLogMiddleware",  # first: it times and logs every response, redirects too
    "coopreview.core.middleware.FreezeWarmHeapMiddleware",  # full collections skip the warm heap
    "django.middleware.security.SecurityMiddleware",
    "coopreview.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sign-in security (accounts/security.py): OTP verification state, idle sessions end, users whose
    # role requires two-factor must enrol or give a code before any other page; the audit log's request.
    "django_otp.middleware.OTPMiddleware",
    "coopreview.accounts.security.SessionIdleTimeoutMiddleware",
    "coopreview.accounts.security.TwoFactorRequiredMiddleware",
    "coopreview.audit.services.AuditRequestMiddleware",
    # Every date and time on every page in the signed-in user's own time zone, if they chose one.
    "coopreview.meetings.timezones.UserTimeZoneMiddleware",
    # After sign-in, the pages in the language the user chose (their preference), once per session.
    "coopreview.meetings.timezones.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
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
        # mmap: pages are read from the operating system's page cache, shared by every process and kept
        # between requests (each request opens its connection unless DB_CONN_MAX_AGE is set), instead
        # of copied into each connection's own small cache, cold at each new connection.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        f"PRAGMA mmap_size={env_int('SQLITE_MMAP_MB', 1024) * 1024 * 1024};",
        # A save waits (rather than fails with "database is locked") while an import's batch commits.
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 30),
        "transaction_mode": "IMMEDIATE",
    }
    private_file_create(DATABASES["default"]["NAME"])  # 0600 before SQLite creates it (-wal, -shm follow)

# --- Read replicas (core/db_router.py) --------------------------------------------------------------
# DATABASE_REPLICA_URL: one or several PostgreSQL streaming replicas of DATABASE_URL, comma-separated.
# Reads go to a replica, writes and migrations to the primary; a browser that wrote reads the primary
# for REPLICA_STICKY_SECONDS (read-your-writes), and workers, the search follower and the admin always do.
DATABASE_REPLICAS: list[str] = []
for _n, _url in enumerate(env_list("DATABASE_REPLICA_URL", "")):
    _alias = "replica" if _n == 0 else f"replica_{_n + 1}"
    DATABASES[_alias] = {
        **dj_database_url.parse(_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0)),
        "TEST": {"MIRROR": "default"},  # tests read the test database, never a real replica
    }
    DATABASE_REPLICAS.append(_alias)
REPLICA_STICKY_SECONDS = env_int("REPLICA_STICKY_SECONDS", 10)
if DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["coopreview.core.db_router.PrimaryReplicaRouter"]
    # Outside the session and authentication middleware: their reads follow the request's routing.
    MIDDLEWARE.insert(1, "coopreview.core.db_router.ReadYourWritesMiddleware")
# --- end of read replicas ---------------------------------------------------------------------------

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in (even with the right password) while the account or address is locked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inbox:landing"  # redirects by role (see inbox.selectors.landing_url_name)
LOGOUT_REDIRECT_URL = "home"

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failures for one user name, or from one
# address, sign-in is refused (even with the right password) for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = env_list("AXES_LOCKOUT_PARAMETERS", "username,ip_address")
AXES_RESET_ON_SUCCESS = True
# The address is REMOTE_ADDR, as in the audit log: X-Forwarded-For is not trusted (it can be forged).
AXES_CLIENT_IP_CALLABLE = "coopreview.audit.services.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_DISABLE_ACCESS_LOG = True  # successes are in the audit log already

# Two-factor authentication (django-otp, TOTP + single-use recovery codes): required of
# administrators, Review Mechanism editors and Court focal points when MFA_REQUIRED is on.
MFA_REQUIRED = env_bool("MFA_REQUIRED", True)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "coopreview")
MFA_RECOVERY_CODES = 10

# A session unused for SESSION_IDLE_TIMEOUT seconds ends (0: never; the cookie still expires).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 3600)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3600)

# Optional single sign-on by OpenID Connect (e.g. Microsoft Entra ID), on when OIDC_RP_CLIENT_ID is set.
# OIDC_GROUP_MAP maps a group claim value to memberships: {"<group>": [["RM", "editor"], ...]}.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["OIDC_OP_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["OIDC_OP_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
    OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
    AUTHENTICATION_BACKENDS.append("coopreview.accounts.oidc.OrganisationOIDCBackend")
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
OIDC_GROUP_MAP = json.loads(os.environ.get("OIDC_GROUP_MAP", "{}") or "{}")

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
# Bounds on parsing an imported file (importers/parsers/limits.py): it runs in a child process
# with IMPORT_MAX_MEMORY_MB of address space and IMPORT_MAX_SECONDS; sizes checked before reading.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 5_000_000)
IMPORT_MAX_PAGES = env_int("IMPORT_MAX_PAGES", 1_000)
IMPORT_MAX_UNZIPPED_BYTES = env_int("IMPORT_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024)
IMPORT_MAX_MEMORY_MB = env_int("IMPORT_MAX_MEMORY_MB", 400)
IMPORT_MAX_SECONDS = env_int("IMPORT_MAX_SECONDS", 120)
IMPORT_MAX_PREVIEW_BYTES = env_int("IMPORT_MAX_PREVIEW_BYTES", 50 * 1024 * 1024)

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
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
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

# Background jobs (coopreview/jobs): django-q2. Its broker is the project's own database by default (no
# server: SQLite or PostgreSQL), Redis when JOBS_BROKER_URL is set (several machines). The job's state
# lives in jobs.Job; a running job whose heartbeat stops for JOBS_STALE_SECONDS is run again.
JOBS_BROKER_URL = os.environ.get("JOBS_BROKER_URL", "")
JOBS_STALE_SECONDS = env_int("JOBS_STALE_SECONDS", 120)
JOBS_HEARTBEAT_SECONDS = env_int("JOBS_HEARTBEAT_SECONDS", 2)
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 3)
JOBS_EAGER = env_bool("JOBS_EAGER", False)  # run jobs inline, in the caller's process (tests)
# Annex and progress reports of more than REPORTS_JOB_THRESHOLD recommendations are built by a worker,
# not in the request; their files are kept REPORTS_FILE_HOURS. A visitor (a signed-in user, or an
# anonymous session and its address) has at most REPORTS_JOBS_PER_CLIENT of them waiting or running.
REPORTS_JOB_THRESHOLD = env_int("REPORTS_JOB_THRESHOLD", 500)
REPORTS_FILE_HOURS = env_int("REPORTS_FILE_HOURS", 24)
REPORTS_JOBS_PER_CLIENT = env_int("REPORTS_JOBS_PER_CLIENT", 2)
# Webhooks (coopreview/webhooks): seconds an endpoint has to answer, and the waits before each retry
# (a delivery is tried 1 + len(WEBHOOKS_RETRY_DELAYS) times, then marked failed).
WEBHOOKS_TIMEOUT = env_int("WEBHOOKS_TIMEOUT", 10)
# Endpoints on loopback, private, link-local or reserved addresses are refused (a webhook must not be a
# way to reach the servers' own network, such as a cloud metadata address); a closed network whose
# receivers live on private addresses sets this to true.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False)
WEBHOOKS_RETRY_DELAYS = [
    int(s) for s in os.environ.get("WEBHOOKS_RETRY_DELAYS", "60,300,1800,7200,21600").split(",") if s.strip()
]
Q_CLUSTER = {
    "name": "coopreview",
    "workers": env_int("JOBS_WORKERS", 2),
    "recycle": 50,
    # A job is never cut short (imports of 100,000 rows take minutes); the broker hands an
    # unacknowledged task out again after `retry` seconds, and jobs_recover_stale sooner.
    "timeout": env_int("JOBS_TIMEOUT", 3600),
    "retry": env_int("JOBS_TIMEOUT", 3600) + 60,
    "max_attempts": 0,
    "poll": 0.5,
    "catch_up": False,
    "save_limit": 200,
    "ack_failures": True,
    "label": "Jobs (django-q2)",
    **({"redis": JOBS_BROKER_URL} if JOBS_BROKER_URL else {"orm": "default"}),
}

# Caches: local memory per process by default; CACHE_URL=redis://host:6379/1 shares one cache between
# application servers (Django's own RedisCache).
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "coopreview"}
    )
}

# --- REST API (coopreview/api, README "API"): session (browser) or personal access token ("Bearer").
# Each token (or signed-in user, or address for anonymous reads) may make API_RATE requests.
API_RATE = os.environ.get("API_RATE", "1200/hour")
API_ANON_RATE = os.environ.get("API_ANON_RATE", "300/hour")
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 366)  # the longest life a token may be given
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "coopreview.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # enforces CSRF on writes
    ],
    "DEFAULT_PERMISSION_CLASSES": ["coopreview.api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["coopreview.api.throttling.PerTokenThrottle"],
    "DEFAULT_PAGINATION_CLASS": "coopreview.api.pagination.CappedPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "coopreview.api.renderers.BrowsableAPIWithoutForms",
    ],
    "EXCEPTION_HANDLER": "coopreview.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "coopreview API",
    "DESCRIPTION": "Recommendations, their follow-up, lineage, meetings and the cooperation platform. "
    "Every list holds only what the caller may open, as on the web.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "PartStatusEnum": "coopreview.followup.enums.Status",
        "MeetingStatusEnum": "coopreview.meetings.enums.MeetingStatus",
        "ImportStatusEnum": "coopreview.importers.enums.JobStatus",
    },
}
# --- end of REST API ---------------------------------------------------------------------------------

"""Settings for the assessment service, read from environment variables.

With no variables set beyond SECRET_KEY (or DEBUG=1) the service runs on SQLite with an
embedded Celery broker, so a fresh clone works at once. In a checkout, `make setup-demo` writes a
git-ignored `.env.local` with a generated SECRET_KEY; its values apply only where the environment
has none. Every variable is listed in README.md.
"""

import math
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import plotly
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_str(name: str, default: str) -> str:
    """The variable's value; the default when it is unset or empty."""
    return os.environ.get(name, "") or default


def env_path(name: str, default: Path) -> Path:
    return Path(env_str(name, str(default)))


def env_int(name: str, default: int) -> int:
    """A whole number, zero or more; anything else stops start-up with a message naming the variable."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None
    if number < 0:
        raise ImproperlyConfigured(f"{name} must not be negative, got {value!r}")
    return number


def env_float(name: str, default: float) -> float:
    """A number, zero or more (fractions allowed); anything else stops start-up with a message naming the variable."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}")
    if number < 0:
        raise ImproperlyConfigured(f"{name} must not be negative, got {value!r}")
    return number


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_paths(name: str, default: list[Path]) -> list[Path]:
    """Absolute paths separated by os.pathsep or commas; a relative one stops start-up with a message."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    paths = [Path(item.strip()).expanduser() for item in value.replace(os.pathsep, ",").split(",") if item.strip()]
    relative = [str(path) for path in paths if not path.is_absolute()]
    if relative or not paths:
        raise ImproperlyConfigured(f"{name} must list absolute paths, got {value!r}")
    return paths


# A checkout's own local settings (a generated SECRET_KEY); variables already in the environment win.
LOCAL_ENV_FILE = env_path("LOCAL_ENV_FILE", BASE_DIR / ".env.local")
if LOCAL_ENV_FILE.is_file():
    load_dotenv(LOCAL_ENV_FILE, override=False)

DEBUG = env_bool("DEBUG")
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite database, embedded broker and demo files live here

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            f"SECRET_KEY must be set when DEBUG is off: set it in the environment, or run `make setup-demo` "
            f"to write a generated one to {LOCAL_ENV_FILE} (or set DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # runserver (so `make run`) leaves static files to WhiteNoise, as in production
    "django.contrib.staticfiles",
    "rest_framework",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "assessor",
    "surveys",
    "collectors",
    "reports",
    "community",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "assessor.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "assessor.auth_throttle.SignInOneAtATimeMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "assessor.urls"
WSGI_APPLICATION = "assessor.wsgi.application"

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
                "assessor.context_processors.navigation",
                "assessor.context_processors.single_sign_on",
            ],
        },
    },
]

# Database: SQLite under DATA_DIR by default; DATABASE_URL (postgres://...) selects PostgreSQL.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "assessor.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"

# Sign-in throttling (django-axes): wrong passwords are counted per account *and* address, in the database,
# so a stranger guessing from elsewhere never locks a user out; the pause ends after LOGIN_FAILURE_WINDOW.
# Covers every form that authenticates (the sign-in page and /admin/login/).
AUTHENTICATION_BACKENDS = [
    "assessor.auth_throttle.SignInThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 15 * 60)
for _name, _value in (("LOGIN_MAX_FAILURES", LOGIN_MAX_FAILURES), ("LOGIN_FAILURE_WINDOW", LOGIN_FAILURE_WINDOW)):
    if _value < 1:  # a limit of 0 would refuse everyone; a pause of 0 seconds would never end in django-axes
        raise ImproperlyConfigured(f"{_name} must be 1 or more, got {_value}")
AXES_FAILURE_LIMIT = LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_FAILURE_WINDOW)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "assessor.auth_throttle.sign_in_paused"
AXES_CLIENT_IP_CALLABLE = "assessor.auth_throttle.client_address"
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, or behind proxies the entry they appended to X-Forwarded-For
# (read with django-ipware, counting TRUSTED_PROXY_COUNT proxies from the right, so a client cannot forge it).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if env_bool("BEHIND_TLS_PROXY") else 0)
# Password reset e-mails per hour, counted per address and per e-mail address (django-ratelimit, in the cache).
PASSWORD_RESET_MAX_PER_HOUR = env_int("PASSWORD_RESET_MAX_PER_HOUR", 3)

# Cache (sign-in and password-reset limits, page fragments): in-process by default; CACHE_URL=redis://... shares
# it between processes, which any deployment with more than one process needs (`check --deploy` warns).
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Single sign-on through an OpenID Connect provider (mozilla-django-oidc; see assessor/oidc.py), on when an
# issuer and a client id are set. The provider's endpoints come from its discovery document; the local
# password form stays for the demo and for break-glass admins.
OIDC_ISSUER = env_str("OIDC_ISSUER", "")
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_ALLOWED_EMAIL_DOMAINS = env_list("OIDC_ALLOWED_EMAIL_DOMAINS", "")
OIDC_CREATE_USER = env_bool("OIDC_CREATE_USERS", True)
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "single sign-on")
OIDC_TIMEOUT = env_float("OIDC_TIMEOUT", 10)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TOKEN_USE_BASIC_AUTH = True  # client_secret_basic: the token endpoint authentication every provider supports
OIDC_AUTHENTICATE_CLASS = "assessor.oidc.SignOnStartView"
OIDC_CALLBACK_CLASS = "assessor.oidc.SignOnCallbackView"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/sso/refused/"
AUTHENTICATION_BACKENDS.append("assessor.oidc.SignOnBackend")

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# plotly.js is served by the site itself (no CDN): dashboards load the partial bundle in static/vendor/plotly/;
# the plotly package's full bundle (/static/plotly/plotly.min.js) goes inside the self-contained wave report.
STATICFILES_DIRS = [BASE_DIR / "static", ("plotly", Path(plotly.__file__).resolve().parent / "package_data")]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "assessor.staticstorage.StaticStorage"},  # hashed and compressed by collectstatic
}
WHITENOISE_USE_FINDERS = True

# Security: secure cookies and HSTS are opt-in so plain-HTTP local runs keep working.
SECURE_COOKIES = env_bool("SECURE_COOKIES")
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Email: console output by default; EMAIL_HOST switches to SMTP.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "assessor@localhost")

# Celery: an embedded SQLite-backed broker by default (no server to install);
# CELERY_BROKER_URL=redis://... uses Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or f"sqla+sqlite:///{DATA_DIR / 'celery-broker.sqlite3'}"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

REST_FRAMEWORK = {
    "DEFAULT_PARSER_CLASSES": ["assessor.api.parsers.BoundedJSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "assessor.auth_tokens.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "assessor.api.errors.handler",
}
# The anonymized export for outside reviewers withholds any group smaller than this.
TAG_EXPORT_MIN_GROUP = env_int("TAG_EXPORT_MIN_GROUP", 5)
SPECTACULAR_SETTINGS = {
    "TITLE": "Platform maturity assessor API",
    "DESCRIPTION": "Maturity model, surveys, evidence, scores and reports; plus the anonymized export for reviewers.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc assets come from the installed sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep links: Swagger UI would put each one inside its operation's button, two controls in one.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Domain settings. The apps read these through their conf.py modules, never from the environment.
MATURITY_MODEL_FILE = BASE_DIR / "assessor" / "data" / "maturity_model" / "pemm-1.0.yaml"
CAPABILITIES_FILE = env_path("CAPABILITIES_FILE", BASE_DIR / "assessor" / "data" / "capabilities.yaml")

# Surveys.
SURVEYS_DEFAULT_INSTRUMENT = env_path(
    "SURVEYS_DEFAULT_INSTRUMENT", BASE_DIR / "surveys" / "data" / "instruments" / "pemm-cooperation-1.yaml"
)
SURVEYS_TOKEN_SECRET = env_str("SURVEYS_TOKEN_SECRET", SECRET_KEY)
SURVEYS_MAX_AUTOSAVE_BYTES = env_int("SURVEYS_MAX_AUTOSAVE_BYTES", 256 * 1024)
SURVEYS_MAX_TEXT_LENGTH = env_int("SURVEYS_MAX_TEXT_LENGTH", 10_000)
SURVEYS_MAX_ISSUE_BODY_BYTES = env_int("SURVEYS_MAX_ISSUE_BODY_BYTES", 256 * 1024)
SURVEYS_RESULT_MIN_RESPONDENTS = env_int("SURVEYS_RESULT_MIN_RESPONDENTS", 3)
SURVEYS_READ_GRACE_DAYS = env_int("SURVEYS_READ_GRACE_DAYS", 30)

# Reports.
REPORTS_BENCHMARKS_FILE = env_path(
    "REPORTS_BENCHMARKS_FILE", BASE_DIR / "reports" / "data" / "benchmarks" / "state-of-platform-engineering.yaml"
)
REPORTS_REMINDER_MAX = env_int("REPORTS_REMINDER_MAX", 3)
REPORTS_REMINDER_DAYS_APART = env_int("REPORTS_REMINDER_DAYS_APART", 3)
REPORTS_DIGEST_DEFAULT_FREQUENCY = env_choice("REPORTS_DIGEST_DEFAULT_FREQUENCY", "weekly", ("weekly", "monthly"))
REPORTS_DIGEST_MAX_ROWS = env_int("REPORTS_DIGEST_MAX_ROWS", 25)
REPORTS_EMAIL_MAX_RETRIES = env_int("REPORTS_EMAIL_MAX_RETRIES", 5)
REPORTS_EMAIL_UNCONFIRMED_MINUTES = env_int("REPORTS_EMAIL_UNCONFIRMED_MINUTES", 15)
# The practices report compares adopters with other teams only when each side has at least this many teams.
REPORTS_PRACTICE_MIN_TEAMS = env_int("REPORTS_PRACTICE_MIN_TEAMS", 5)
# Dashboard pages are cached under what they are derived from; this bounds how late a renamed team shows.
REPORTS_DASHBOARD_CACHE_SECONDS = env_int("REPORTS_DASHBOARD_CACHE_SECONDS", 120)

# Where the scheduled task fetches a community's benchmark file from, and the contributor token it (and
# `publish_release`) sends; both empty by default, so nothing is fetched or sent until an admin sets them.
REPORTS_COMMUNITY_BENCHMARK_URL = env_str("REPORTS_COMMUNITY_BENCHMARK_URL", "")
COMMUNITY_TOKEN = env_str("COMMUNITY_TOKEN", "")
COMMUNITY_HTTP_TIMEOUT = env_float("COMMUNITY_HTTP_TIMEOUT", 15)
COMMUNITY_HTTP_RETRIES = env_int("COMMUNITY_HTTP_RETRIES", 3)

# Community (the receiving side): the organization minimum of every published cell, who may read the report,
# and the largest release accepted.
COMMUNITY_MIN_ORGS = env_int("COMMUNITY_MIN_ORGS", 3)
COMMUNITY_PUBLIC = env_bool("COMMUNITY_PUBLIC")
COMMUNITY_MAX_RELEASE_BYTES = env_int("COMMUNITY_MAX_RELEASE_BYTES", 2 * 1024 * 1024)

# Collectors.
COLLECTORS_SIGNAL_RETENTION_DAYS = env_int("COLLECTORS_SIGNAL_RETENTION_DAYS", 180)
COLLECTORS_MAX_DUMP_BYTES = env_int("COLLECTORS_MAX_DUMP_BYTES", 50 * 1024 * 1024)
COLLECTORS_CI_MAX_BODY_BYTES = env_int("COLLECTORS_CI_MAX_BODY_BYTES", 256 * 1024)
COLLECTORS_RULES_FILE = env_path("COLLECTORS_RULES_FILE", BASE_DIR / "collectors" / "data" / "evidence_rules" / "rules-1.yaml")
COLLECTORS_GIT_BINARY = env_str("COLLECTORS_GIT_BINARY", "git")
COLLECTORS_GIT_TIMEOUT = env_float("COLLECTORS_GIT_TIMEOUT", 60)
# Local checkouts and cluster snapshots are read only under these directories (the bundled demo files included).
COLLECTORS_LOCAL_ROOTS = env_paths("COLLECTORS_LOCAL_ROOTS", [DATA_DIR, BASE_DIR / "collectors" / "data"])
GITHUB_BASE_URL = env_str("GITHUB_BASE_URL", "https://api.github.com").rstrip("/")
GITHUB_TIMEOUT = env_float("GITHUB_TIMEOUT", 15)
GITHUB_MAX_RATE_LIMIT_WAIT = env_float("GITHUB_MAX_RATE_LIMIT_WAIT", 60)
GITHUB_SURVEY_LABEL = env_str("GITHUB_SURVEY_LABEL", "survey")
GITHUB_MAX_BLOBS = env_int("GITHUB_MAX_BLOBS", 6)
GITHUB_MAX_CALLS = env_int("GITHUB_MAX_CALLS", 100)
# GitHub organization import (`sync_github_org`): its own call budget, and team kinds by team slug.
GITHUB_ORG_MAX_CALLS = env_int("GITHUB_ORG_MAX_CALLS", 2000)
GITHUB_ORG_TEAM_KINDS = env_str("GITHUB_ORG_TEAM_KINDS", "")
# Credentials have no default; the App key may be PEM text or the path of a file holding it (read when used).
GITHUB_TOKEN = os.environ.get("GITHUB_TOKEN", "")
GITHUB_APP_ID = os.environ.get("GITHUB_APP_ID", "")
GITHUB_APP_PRIVATE_KEY = os.environ.get("GITHUB_APP_PRIVATE_KEY", "")
GITHUB_APP_INSTALLATION_ID = os.environ.get("GITHUB_APP_INSTALLATION_ID", "")
KUBECONFIG = os.environ.get("KUBECONFIG") or None  # None: the Kubernetes client's own default, ~/.kube/config
KUBERNETES_TIMEOUT = env_float("KUBERNETES_TIMEOUT", 15)

# Backstage catalog import (`sync_catalog`). The token has no default.
BACKSTAGE_TOKEN = os.environ.get("BACKSTAGE_TOKEN", "")
CATALOG_TIMEOUT = env_float("CATALOG_TIMEOUT", 15)
CATALOG_KIND_ANNOTATION = env_str("CATALOG_KIND_ANNOTATION", "assessor/team-kind")
CATALOG_KIND_TYPES = env_str("CATALOG_KIND_TYPES", "platform=platform,infrastructure=infrastructure")

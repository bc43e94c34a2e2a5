"""Settings for the assessment service, read from environment variables.

With no variables set beyond SECRET_KEY (or DEBUG=1) the service runs on SQLite with an
embedded Celery broker, so a fresh clone works at once. Every variable is listed in README.md.
"""

import math
import os
from pathlib import Path

import dj_database_url
import plotly
from django.core.exceptions import ImproperlyConfigured

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


DEBUG = env_bool("DEBUG")
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite database, embedded broker and demo files live here

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for local development).")
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
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "assessor",
    "surveys",
    "collectors",
    "reports",
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
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 15 * 60)

# Cache (sign-in throttling, page fragments): in-process by default; CACHE_URL=redis://... shares it between processes.
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
        "rest_framework.authentication.TokenAuthentication",
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

# Collectors.
COLLECTORS_SIGNAL_RETENTION_DAYS = env_int("COLLECTORS_SIGNAL_RETENTION_DAYS", 180)
COLLECTORS_MAX_DUMP_BYTES = env_int("COLLECTORS_MAX_DUMP_BYTES", 50 * 1024 * 1024)
COLLECTORS_CI_MAX_BODY_BYTES = env_int("COLLECTORS_CI_MAX_BODY_BYTES", 256 * 1024)
COLLECTORS_RULES_FILE = env_path("COLLECTORS_RULES_FILE", BASE_DIR / "collectors" / "data" / "evidence_rules" / "rules-1.yaml")
COLLECTORS_GIT_BINARY = env_str("COLLECTORS_GIT_BINARY", "git")
COLLECTORS_GIT_TIMEOUT = env_float("COLLECTORS_GIT_TIMEOUT", 60)
GITHUB_BASE_URL = env_str("GITHUB_BASE_URL", "https://api.github.com").rstrip("/")
GITHUB_TIMEOUT = env_float("GITHUB_TIMEOUT", 15)
GITHUB_MAX_RATE_LIMIT_WAIT = env_float("GITHUB_MAX_RATE_LIMIT_WAIT", 60)
GITHUB_SURVEY_LABEL = env_str("GITHUB_SURVEY_LABEL", "survey")
GITHUB_MAX_BLOBS = env_int("GITHUB_MAX_BLOBS", 6)
# Credentials have no default; the App key may be PEM text or the path of a file holding it (read when used).
GITHUB_TOKEN = os.environ.get("GITHUB_TOKEN", "")
GITHUB_APP_ID = os.environ.get("GITHUB_APP_ID", "")
GITHUB_APP_PRIVATE_KEY = os.environ.get("GITHUB_APP_PRIVATE_KEY", "")
GITHUB_APP_INSTALLATION_ID = os.environ.get("GITHUB_APP_INSTALLATION_ID", "")
KUBECONFIG = os.environ.get("KUBECONFIG") or None  # None: the Kubernetes client's own default, ~/.kube/config
KUBERNETES_TIMEOUT = env_float("KUBERNETES_TIMEOUT", 15)

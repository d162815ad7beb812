"""Mofan settings: every value comes from the environment, with safe defaults for the demo.

Production (`MOFAN_ENV=production`) refuses to start with the demo secret key or DEBUG on.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DEMO_SECRET_KEY = "mofan-demo-only-secret-key-change-me-in-production"


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


MOFAN_ENV = os.environ.get("MOFAN_ENV", "demo")
PRODUCTION = MOFAN_ENV == "production"
DATA_DIR = Path(os.environ.get("MOFAN_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite database and the huey queue live here
SECRET_KEY = os.environ.get("MOFAN_SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = env_bool("MOFAN_DEBUG")

if PRODUCTION and SECRET_KEY == DEMO_SECRET_KEY:
    raise ImproperlyConfigured("生产模式必须设置 MOFAN_SECRET_KEY (production needs a secret key)")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("生产模式不能开启 MOFAN_DEBUG (production refuses DEBUG)")

ALLOWED_HOSTS = env_list("MOFAN_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("MOFAN_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "treebeard",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "huey.contrib.djhuey",
    "mofan.core",
    "mofan.accounts",
    "mofan.orgs",
    "mofan.members",
    "mofan.meetings",
    "mofan.plans",
    "mofan.assessment",
    "mofan.appraisal",
    "mofan.brands",
    "mofan.notifications",
    "mofan.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mofan.core.middleware.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mofan.core.security.SecurityHeadersMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mofan.core.middleware.RequestContextMiddleware",
    "mofan.accounts.middleware.ForcePasswordChangeMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mofan.site.urls"
WSGI_APPLICATION = "mofan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mofan.site.context_processors.navigation",
            ],
        },
    },
]


def database_config() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(
            url, conn_max_age=int(os.environ.get("MOFAN_DB_CONN_MAX_AGE", "0"))
        )
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "mofan.sqlite3"}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "mofan.accounts.validators.LengthAndVarietyValidator"},
    {"NAME": "mofan.accounts.validators.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# 等保: a session ends after 30 minutes without activity.
SESSION_COOKIE_AGE = 30 * 60
# The 30-minute idle logout moves forward when the session is saved: at most once a minute
# (mofan.core.middleware.SessionRefreshMiddleware and its SessionStore), not on every request.
SESSION_ENGINE = "mofan.core.middleware"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Production is served over HTTPS behind nginx (docs/deploy.md): cookies only over HTTPS,
# HSTS, and a redirect of plain HTTP. MOFAN_HTTPS=0 turns this off for a test install on a
# plain-HTTP intranet (then `mofan check --deploy` warns, rightly).
HTTPS = env_bool("MOFAN_HTTPS", PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("MOFAN_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("MOFAN_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# 等保: five failed logins in a row lock the account for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "mofan.accounts.views.locked_out"
AXES_VERBOSE = False
# The rule locks the account (username), whatever address the attempts come from.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("MOFAN_STATIC_ROOT", DATA_DIR / "static"))
WHITENOISE_USE_FINDERS = not PRODUCTION
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
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from finders in the demo
MEDIA_ROOT = Path(os.environ.get("MOFAN_MEDIA_ROOT", DATA_DIR / "media"))

# Personal API tokens expire after this many days (a token for a script is made again).
MOFAN_TOKEN_DAYS = int(os.environ.get("MOFAN_TOKEN_DAYS", "180"))

HUEY_REDIS_URL = os.environ.get("MOFAN_HUEY_REDIS_URL")
if HUEY_REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "mofan", "url": HUEY_REDIS_URL}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "mofan",
        "filename": str(DATA_DIR / "huey.sqlite3"),
    }
HUEY["immediate"] = env_bool("MOFAN_HUEY_IMMEDIATE", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MOFAN_LOG_LEVEL", "WARNING")},
}

# Imports (rosters, org lists, task lists): a file of more rows is refused before it is parsed
# further; at most this many bad rows are listed (with how many more there are).
MOFAN_IMPORT_MAX_ROWS = int(os.environ.get("MOFAN_IMPORT_MAX_ROWS", "50000"))
MOFAN_IMPORT_MAX_ERRORS = int(os.environ.get("MOFAN_IMPORT_MAX_ERRORS", "1000"))
# A roster of more rows (headings included) is imported by a background job (huey) with a
# progress page, so that no web worker is held for long.
MOFAN_IMPORT_BACKGROUND_ROWS = int(os.environ.get("MOFAN_IMPORT_BACKGROUND_ROWS", "2000"))

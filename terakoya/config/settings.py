"""Terakoya settings, read from the environment.

The embedded default (no variables set) is SQLite in WAL mode with data under ``var/``.
Production sets ``TERAKOYA_PRODUCTION=1``, a database URL, a secret and allowed hosts; it must
pass ``manage.py check --deploy --fail-level WARNING`` (see docs/decisions/0003-settings.md).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "terakoya"


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("TERAKOYA_DATA_DIR", BASE_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = _env_bool("TERAKOYA_PRODUCTION")
DEBUG = _env_bool("TERAKOYA_DEBUG", default=False)


def _read_secret(name: str, *, generate_into: str | None) -> str:
    """Return a secret from ``NAME``, from the file named by ``NAME_FILE``, or a generated file.

    Production refuses to start without an explicit secret: a generated one would differ per
    machine and silently invalidate sessions and signatures.
    """
    value = os.environ.get(name)
    if value:
        return value
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    if PRODUCTION or generate_into is None:
        raise RuntimeError(f"{name} or {name}_FILE must be set in production")
    path = DATA_DIR / generate_into
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _read_secret("TERAKOYA_SECRET_KEY", generate_into="secret_key.txt")
# Separate key for pairwise pseudonyms (HMAC of learner UUID and recipient): rotating the
# Django secret must not change the pseudonyms external tools already hold.
PSEUDONYM_KEY = _read_secret("TERAKOYA_PSEUDONYM_KEY", generate_into="pseudonym_key.txt")

ALLOWED_HOSTS = _env_list("TERAKOYA_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = _env_list("TERAKOYA_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "terakoya.core",
    "terakoya.privacy",
    "terakoya.roster",
    "terakoya.accounts",
    "terakoya.courses",
    "terakoya.assessment",
    "terakoya.records",
    "terakoya.gradebook",
    "terakoya.attendance",
    "terakoya.guidance",
    "terakoya.comms",
    "terakoya.insights",
    "terakoya.portability",
    "terakoya.interop",
    "terakoya.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "terakoya.core.middleware.JapaneseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "terakoya.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "terakoya.config.urls"
WSGI_APPLICATION = "terakoya.config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "terakoya.web.context_processors.terakoya",
            ],
        },
    }
]


def _database(url: str) -> dict[str, Any]:
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Django's backend, with write transactions queued on a file lock (see its docstring).
        config["ENGINE"] = "terakoya.core.sqlite"
        # WAL lets readers proceed during a write; IMMEDIATE takes the write lock at BEGIN so
        # two writers queue on the busy timeout instead of failing on lock upgrade.
        # Persistent per-thread connections, as on PostgreSQL: opening one (and running the
        # PRAGMAs below) on every request cost ~5 % of an LRS ingest request.
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=30000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
        config.setdefault("TEST", {})
    else:
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'terakoya.sqlite3'}"
DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "terakoya.accounts.hashers.TerakoyaArgon2Hasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:signin"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:signin"

# Lockout (django-axes): 5 failures per username lock that account for 15 minutes. Locking by
# username only, not by IP, because a whole class signs in from one school NAT address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# axes.W006 warns that username-only lockout lets an attacker rotate IPs; we accept that, since
# locking by IP would lock out a whole class behind the school's one NAT address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
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
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads: materials have their own, explicit limit in the courses app.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Sessions: school tablets are shared; sign-in lasts a school day and ends with the browser.
SESSION_COOKIE_AGE = 9 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("TERAKOYA_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TERAKOYA_LOG_LEVEL", "WARNING")},
}

# Terakoya's own settings.
TERAKOYA: dict[str, Any] = {
    # Audit: sign a tree head after this many new entries (and at every `audit_seal` run).
    "AUDIT_TREE_HEAD_EVERY": 256,
    # Study logs are kept until the end of the school year after the learner leaves (DESIGN §4).
    "STUDY_LOG_RETENTION_YEARS_AFTER_LEAVING": 1,
    # Terakoya's public URL: activity IRIs and learners' account homePage in xAPI statements.
    "PUBLIC_URL": os.environ.get("TERAKOYA_PUBLIC_URL", "http://127.0.0.1:8000"),
}

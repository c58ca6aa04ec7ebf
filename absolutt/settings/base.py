"""Settings shared by every environment. Everything that differs between machines comes from the
environment through one ``environ.Env``; see the table in README.md."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# True only in absolutt.settings.production: demo data and generated data refuse to load there.
ABSOLUTT_PRODUCTION = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
SITE_URL = env("SITE_URL", default="http://localhost:8000")

# --- Database: SQLite file by default, PostgreSQL (psycopg 3) when DATABASE_URL is set -------------
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let web, worker and beat share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles a plan when its cost estimate is high; for these short page queries the
    # compiling costs more than it saves (80+ ms on the round list at national scale).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications -----------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "absolutt.core",
    "absolutt.accounts",
    "absolutt.notifications",
    "municipalities",
    "programmes",
    "sessions_app",
    "interwork",
    "progress",
]

# Widgets render through the project's template settings, so templates/ can override a widget's template (the
# admin's date and time inputs get their own labels: templates/admin/widgets/split_datetime.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "absolutt.middleware.NorwegianByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "absolutt.accounts.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "absolutt.urls"
WSGI_APPLICATION = "absolutt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "absolutt.context_processors.platform",
            ],
            # Templates ask the access policy through these tags (never role flags themselves).
            "builtins": ["absolutt.core.templatetags.access_tags"],
        },
    }
]

# --- Users and authentication (allauth 65) ---------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "absolutt.accounts.adapter.InvitationOnlyAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Absolutt] "
ACCOUNT_PREVENT_ENUMERATION = True
# Rate limits (allauth): counted per client address and per account in the shared cache (Redis, or the
# database in production without Redis), so every web worker counts together. The per-account limit on
# failed logins has a short window (5 in 5 minutes), so nobody can lock a person out for long, and login by
# e-mailed code has limits of its own. Behind the reverse proxy, the client address is taken from
# X-Forwarded-For with ALLAUTH_TRUSTED_PROXY_COUNT proxies trusted (1 for the compose stack's proxy).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "request_login_code": "20/m/ip,3/m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default=None)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Absolutt (KS)"
# National lead and regional coordinators must use two-factor authentication (TOTP).
# The demo setup relaxes this so that the demo logins work without an authenticator app.
ABSOLUTT_REQUIRE_MFA_FOR_STAFF = env.bool("ABSOLUTT_REQUIRE_MFA_FOR_STAFF", default=True)
# How long an invitation link stays valid.
ABSOLUTT_INVITATION_DAYS = env.int("ABSOLUTT_INVITATION_DAYS", default=14)
# Evaluations: the fewest answers a shown result may rest on (k of the small-cell rule; sessions_app.anonymity),
# also the smallest batch in which answers are released from the pending pool.
ABSOLUTT_EVALUATION_MIN_ANSWERS = env.int("ABSOLUTT_EVALUATION_MIN_ANSWERS", default=5)

# --- Internationalisation: Norwegian Bokmål first, English available ------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

# --- Static files: our own in static/, front-end packages from node_modules (npm at setup) -------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Content security policy (django-csp 4) ---------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Browser features the platform never uses are switched off for it and anything it might embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in ("accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
                    "magnetometer", "microphone", "midi", "payment", "usb", "xr-spatial-tracking")
}

# --- Cache: Redis when REDIS_URL is set, local memory otherwise --------------------------------
# The Redis cache falls over to process memory while Redis is unreachable (absolutt.core.cache), so login,
# password reset and the rate limits keep working during a Redis outage; short timeouts keep it quick.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {
        "BACKEND": "absolutt.core.cache.FailoverRedisCache", "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered page fragments (absolutt.core.fragments) are kept in each process's memory, under the data's version
# read from the shared cache above, so that a fragment is never stale in any process; reading tens of kilobytes
# from Redis on every page cost more than rendering a fragment once per process.
CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments",
                       "OPTIONS": {"MAX_ENTRIES": 2000}}

# --- Celery: Redis when REDIS_URL is set; otherwise kombu's filesystem transport, which needs no
# server but still carries messages between processes (web, worker and beat really run). ----------
CELERY_QUEUE_DIR = Path(env("CELERY_QUEUE_DIR", default=str(BASE_DIR / "var" / "celery")))


def celery_broker_settings(redis_url: str, queue_dir: Path) -> dict:
    """Broker and result backend: Redis when configured, else folders under ``queue_dir``."""
    if redis_url:
        return {
            "CELERY_BROKER_URL": redis_url,
            "CELERY_RESULT_BACKEND": redis_url,
            # Short socket timeouts: publishing after commit must not hold up a request when Redis is down.
            "CELERY_BROKER_TRANSPORT_OPTIONS": {"visibility_timeout": 3600, "socket_connect_timeout": 2,
                                                "socket_timeout": 5},
        }
    for sub in ("queue", "processed", "results", "control"):
        Path(queue_dir, sub).mkdir(parents=True, exist_ok=True)
    return {
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_BROKER_TRANSPORT_OPTIONS": {
            "data_folder_in": str(Path(queue_dir, "queue")),
            "data_folder_out": str(Path(queue_dir, "queue")),
            "processed_folder": str(Path(queue_dir, "processed")),
            "control_folder": str(Path(queue_dir, "control")),
            "store_processed": False,
        },
        "CELERY_RESULT_BACKEND": f"file://{Path(queue_dir, 'results')}",
    }


vars().update(celery_broker_settings(REDIS_URL, CELERY_QUEUE_DIR))
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
# Nothing in the platform reads a task's result, so tasks never need the result backend (starting a task
# then talks to the broker only). A caller that wants a result asks for it (``ignore_result=False``).
CELERY_TASK_IGNORE_RESULT = True
# Publishing a task after commit gives up quickly when the broker is down: the row is already saved and
# beat's outbox sweep hands it out later (absolutt.notifications.services.send_after_commit).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_QUEUE_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Re-queues outbox e-mails that were never handed to a worker or whose worker died mid-send.
    "outbox-sweep": {"task": "absolutt.notifications.tasks.outbox_sweep", "schedule": 60.0},
    # Retention: empties the texts of e-mails older than ABSOLUTT_OUTBOX_RETENTION_DAYS (the rows stay).
    "outbox-retention": {"task": "absolutt.notifications.tasks.outbox_purge", "schedule": 24 * 60 * 60.0},
    # Mellomarbeid deadline reminders, overdue notices, escalations and digests that are due now.
    "mellomarbeid-reminders": {"task": "interwork.tasks.reminder_sweep", "schedule": 300.0},
    # Samling reminders, registration-deadline reminders, evaluation invitations and their reminders.
    "samling-reminders": {"task": "sessions_app.tasks.reminder_sweep", "schedule": 300.0},
    # Evaluation answers: from the pending pool into the results in shuffled batches of at least k.
    "evaluation-release": {"task": "sessions_app.tasks.evaluation_release", "schedule": 60.0},
}

# --- E-mail: every message is an outbox row first (absolutt.notifications) ---------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
if env("EMAIL_FILE_PATH", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env("EMAIL_FILE_PATH")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Absolutt <absolutt@ks.no>")
# Seconds an SMTP connect/read may take; below the task's soft time limit (CELERY_TASK_SOFT_TIME_LIMIT), so a
# slow server is a timeout the outbox retries, never a task killed mid-send.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Delivery: a temporary error (4xx, timeout, refused connection) is tried again after a doubling backoff
# (from ABSOLUTT_OUTBOX_BACKOFF_SECONDS, at most an hour) up to ABSOLUTT_OUTBOX_MAX_ATTEMPTS attempts. A claim
# older than ABSOLUTT_OUTBOX_STALE_CLAIM_SECONDS belongs to a worker that died and is taken over (this is the
# window in which a crash can cause a second send); it must exceed CELERY_TASK_TIME_LIMIT.
ABSOLUTT_OUTBOX_MAX_ATTEMPTS = env.int("ABSOLUTT_OUTBOX_MAX_ATTEMPTS", default=8)
ABSOLUTT_OUTBOX_BACKOFF_SECONDS = env.int("ABSOLUTT_OUTBOX_BACKOFF_SECONDS", default=60)
ABSOLUTT_OUTBOX_STALE_CLAIM_SECONDS = env.int("ABSOLUTT_OUTBOX_STALE_CLAIM_SECONDS", default=10 * 60)
# Texts (subject stays) of e-mails sent or failed longer ago than this are emptied by a daily beat task.
ABSOLUTT_OUTBOX_RETENTION_DAYS = env.int("ABSOLUTT_OUTBOX_RETENTION_DAYS", default=180)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

MESSAGE_TAGS = {40: "danger"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # personal tokens (the evaluation link) are cut out of every logged request path
    "filters": {"redact_secrets": {"()": "absolutt.log_redaction.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"filters": ["redact_secrets"]},
        "django.server": {"filters": ["redact_secrets"], "handlers": ["console"], "propagate": False},
    },
}
ACCOUNT_FORMS = {"signup": "absolutt.accounts.forms.InvitationSignupForm"}

# --- Samlinger: uploaded materials ------------------------------------------------------------
ABSOLUTT_MATERIAL_TYPES = {"pdf", "pptx", "ppt", "docx", "doc", "xlsx", "odt", "odp", "ods", "txt", "png", "jpg", "jpeg"}
ABSOLUTT_MATERIAL_MAX_BYTES = env.int("ABSOLUTT_MATERIAL_MAX_MB", default=25) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

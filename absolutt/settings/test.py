"""Settings for the test suite (pytest). Uses DATABASE_URL/REDIS_URL when set, like every environment."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, DATABASES, REDIS_URL, celery_broker_settings, env

DEBUG = False
SECRET_KEY = "test-only-key-not-secret-absolutt-0123456789abcdef"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Worker processes started by the tests write files (EMAIL_FILE_PATH) or talk to a test's SMTP server (EMAIL_URL).
if not env("EMAIL_FILE_PATH", default="") and not env("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ABSOLUTT_REQUIRE_MFA_FOR_STAFF = True
ALLOWED_HOSTS = ["*"]
# A file (not :memory:) so that a Celery worker in another process can share the test database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}
CELERY_QUEUE_DIR = Path(env("CELERY_TEST_QUEUE_DIR", default=str(BASE_DIR / "var" / "test-celery")))
vars().update(celery_broker_settings(REDIS_URL, CELERY_QUEUE_DIR))
# A queue of its own, so that a development worker on the same broker never takes the tests' tasks.
CELERY_TASK_DEFAULT_QUEUE = "absolutt-test"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run inline in ordinary tests (after commit, like in production); tests/absolutt/test_celery_worker.py
# starts real worker processes and sends to them explicitly.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Worker processes started by tests do not sweep on start: the tests send the sweeps themselves.
ABSOLUTT_SWEEP_ON_WORKER_START = False
# Browser tests log in many times from 127.0.0.1; with the cache in Redis, allauth's login rate limit would
# carry over between tests. (Rate limiting stays on in every other environment.)
ACCOUNT_RATE_LIMITS = False
if REDIS_URL:
    CACHES["default"]["KEY_PREFIX"] = "absolutt-test"  # never mix test keys with a developer's cache

"""Settings for bench/load.py: the local settings (DEBUG off) with the bench's own pages added (bench/load_urls.py).
The cache is Redis when REDIS_URL is set (shared by the workers, as in production), otherwise each worker's
memory (the local default)."""

from absolutt.settings.local import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

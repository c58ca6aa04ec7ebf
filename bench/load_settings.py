"""Settings for bench/load.py: the local settings (DEBUG off) with a trivial authenticated page added."""

from absolutt.settings.local import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

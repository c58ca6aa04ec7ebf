"""The Celery application. Reads the ``CELERY_*`` Django settings; JSON only, time limits set there."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "absolutt.settings.local")

app = Celery("absolutt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="absolutt.ping")
def ping() -> str:
    """A no-op used by health checks and the worker round-trip test."""
    return "pong"

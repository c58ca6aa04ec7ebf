"""The Celery application. Reads the ``CELERY_*`` Django settings; JSON only, time limits set there."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "absolutt.settings.local")

app = Celery("absolutt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="absolutt.ping")
def ping() -> str:
    """A no-op used by health checks and the worker round-trip test."""
    return "pong"


@worker_ready.connect
def catch_up_after_start(sender=None, **kwargs) -> None:
    """Run the reminder sweeps once when a worker starts, so reminders that fell due while nothing was
    running go out at once instead of at the next beat. The sweeps are idempotent, so a second worker
    starting does no harm."""
    from django.conf import settings

    if not getattr(settings, "ABSOLUTT_SWEEP_ON_WORKER_START", True):
        return
    for name in ("sessions_app.tasks.reminder_sweep", "interwork.tasks.reminder_sweep",
                 "absolutt.notifications.tasks.outbox_sweep"):
        sender.app.send_task(name)

from celery import shared_task
from django.utils import timezone

from . import reminders


@shared_task(name="interwork.tasks.reminder_sweep")
def reminder_sweep() -> dict:
    """Periodic (beat): deadline reminders, overdue notices, escalations and digests that are due now.
    Safe to run twice or on two workers at once: every e-mail's outbox key is unique."""
    now = timezone.now()
    return {"reminders": reminders.assignment_reminders_due(now=now), "digests": reminders.digests_due(now=now)}

from celery import shared_task
from django.utils import timezone

from . import evaluations, reminders


@shared_task(name="sessions_app.tasks.reminder_sweep")
def reminder_sweep() -> dict:
    """Periodic (beat): samling reminders, registration-deadline reminders and evaluation invitations and
    reminders that are due now. Safe to run twice or on two workers at once."""
    now = timezone.now()
    return {
        "gathering": reminders.gathering_reminders_due(now=now),
        "registration_deadline": reminders.registration_deadline_reminders_due(now=now),
        "evaluations": evaluations.evaluations_due(now=now),
    }

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from . import evaluations, reminders

logger = logging.getLogger(__name__)


@shared_task(name="sessions_app.tasks.reminder_sweep")
def reminder_sweep() -> dict:
    """Periodic (beat, every five minutes): samling reminders, registration-deadline reminders, and
    evaluation invitations and reminders that are due now. Returns how many e-mails each part queued.

    Safe to run twice, late, or on two workers at once: every e-mail is an outbox row with a unique key
    per person and occasion, sent after commit by a task that claims it. One part failing does not stop
    the others; the task then fails so that the error is seen, and the next beat tries again."""
    now = timezone.now()
    parts = {
        "gathering": reminders.gathering_reminders_due,
        "registration_deadline": reminders.registration_deadline_reminders_due,
        "evaluations": evaluations.evaluations_due,
    }
    counts: dict[str, int] = {}
    failed: list[str] = []
    for name, part in parts.items():
        try:
            counts[name] = part(now=now)
        except SoftTimeLimitExceeded:
            raise
        except Exception:
            logger.exception("Reminder sweep: %s failed", name)
            failed.append(name)
    if failed:
        raise RuntimeError(f"Reminder sweep parts failed: {', '.join(failed)} (queued: {counts})")
    return counts


@shared_task(name="sessions_app.tasks.evaluation_release")
def evaluation_release() -> int:
    """Periodic (beat, every minute): release pending evaluation answers into the results in shuffled
    batches of at least k, and re-write the rest under new ids (``evaluations.evaluations_release``). Safe
    to run twice or from two beats: each evaluation is handled under a row lock."""
    return evaluations.evaluations_release(now=timezone.now())

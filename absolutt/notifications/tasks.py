from celery import shared_task

from . import services


@shared_task(name="absolutt.notifications.tasks.send_outgoing_email")
def send_outgoing_email(email_id: int) -> bool:
    """Send one outbox row. No Celery retry: a temporary error leaves the row pending with its backoff in
    the database (``next_attempt_at``), and beat's outbox sweep hands it out again, so a retry survives a
    broker restart and never waits in the broker as a far-future ETA task."""
    return services.email_send(email_id=email_id)


@shared_task(name="absolutt.notifications.tasks.outbox_sweep")
def outbox_sweep() -> int:
    """Periodic (beat): hand out rows that never reached a worker, whose backoff has passed, or whose worker
    died. Sending stays safe when this runs twice or on two beats at once, because each send claims its row
    first."""
    ids = services.outbox_due_ids()
    for email_id in ids:
        send_outgoing_email.delay(email_id)
    return len(ids)


@shared_task(name="absolutt.notifications.tasks.outbox_purge")
def outbox_purge() -> int:
    """Periodic (beat, daily): empty the texts of old e-mails (``ABSOLUTT_OUTBOX_RETENTION_DAYS``)."""
    return services.outbox_purge()

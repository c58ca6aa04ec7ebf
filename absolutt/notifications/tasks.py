from celery import shared_task

from . import services


@shared_task(
    name="absolutt.notifications.tasks.send_outgoing_email",
    autoretry_for=services.TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=services.MAX_ATTEMPTS,
)
def send_outgoing_email(email_id: int) -> bool:
    return services.email_send(email_id=email_id)


@shared_task(name="absolutt.notifications.tasks.outbox_sweep")
def outbox_sweep() -> int:
    """Periodic (beat): hand out rows that never reached a worker or whose worker died. Sending stays
    safe when this runs twice or on two beats at once, because each send claims its row first."""
    ids = services.outbox_due_ids()
    for email_id in ids:
        send_outgoing_email.delay(email_id)
    return len(ids)

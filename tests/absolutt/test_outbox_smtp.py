"""Delivery semantics against a real SMTP server (aiosmtpd): a temporary refusal (4xx) is retried with
backoff and delivered once; a permanent one (5xx) fails with the server's reason; a server slower than
EMAIL_TIMEOUT is retried, not lost; every attempt carries the row's own Message-ID."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from absolutt.notifications import services, tasks
from absolutt.notifications.models import OutgoingEmail

from ..smtp_server import ScriptedSMTP, SMTPServer, use_smtp

pytestmark = pytest.mark.django_db


def make_row(**kw) -> OutgoingEmail:
    return OutgoingEmail.objects.create(to="mc@kommune.example", subject="Påminnelse", body_text="Hei!", **kw)


def backoff_passes(row: OutgoingEmail) -> None:
    OutgoingEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_email_timeout_is_below_the_task_soft_time_limit():
    assert 0 < django_settings.EMAIL_TIMEOUT < django_settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert django_settings.ABSOLUTT_OUTBOX_STALE_CLAIM_SECONDS > django_settings.CELERY_TASK_TIME_LIMIT


def test_greylisting_4xx_is_retried_after_backoff_and_delivered_once(settings):
    with SMTPServer(ScriptedSMTP(rcpt_answers=["451 4.7.1 Greylisted, try again later"])) as smtp:
        use_smtp(settings, smtp.port)
        row = make_row()
        assert tasks.send_outgoing_email.delay(row.pk).get() is False
        row.refresh_from_db()
        assert row.status == OutgoingEmail.Status.PENDING and row.attempts == 1
        assert "451 4.7.1 Greylisted" in row.last_error and row.next_attempt_at > timezone.now()
        assert tasks.outbox_sweep() == 0  # not before the backoff has passed
        backoff_passes(row)
        assert tasks.outbox_sweep() == 1
        row.refresh_from_db()
        assert row.status == OutgoingEmail.Status.SENT and row.attempts == 2 and row.last_error == ""
        assert len(smtp.received) == 1 and smtp.received[0]["To"] == "mc@kommune.example"
        assert tasks.outbox_sweep() == 0
    assert len(smtp.received) == 1


def test_backoff_doubles_and_temporary_errors_stop_at_the_limit(settings):
    settings.ABSOLUTT_OUTBOX_MAX_ATTEMPTS = 3
    with SMTPServer(ScriptedSMTP(rcpt_answers=["421 4.3.2 Busy"] * 5)) as smtp:
        use_smtp(settings, smtp.port)
        row = make_row()
        waits = []
        for _ in range(3):
            before = timezone.now()
            tasks.outbox_sweep()
            row.refresh_from_db()
            if row.next_attempt_at:
                waits.append((row.next_attempt_at - before).total_seconds())
                backoff_passes(row)
    assert row.status == OutgoingEmail.Status.FAILED and row.attempts == 3 and "421 4.3.2 Busy" in row.last_error
    assert len(waits) == 2 and waits[1] >= 2 * waits[0] - 1
    assert smtp.received == []


def test_permanent_5xx_fails_at_once_with_the_reason(settings):
    with SMTPServer(ScriptedSMTP(rcpt_answers=["550 5.1.1 No such user here"])) as smtp:
        use_smtp(settings, smtp.port)
        row = make_row()
        assert tasks.outbox_sweep() == 1
        row.refresh_from_db()
        assert row.status == OutgoingEmail.Status.FAILED and row.attempts == 1
        assert "550 5.1.1 No such user here" in row.last_error
        assert tasks.outbox_sweep() == 0  # never tried again
    assert smtp.received == []


def test_smtp_slower_than_email_timeout_is_retried_not_lost_with_the_same_message_id(settings):
    with SMTPServer(ScriptedSMTP(data_delay=3)) as smtp:
        use_smtp(settings, smtp.port, timeout=1)
        row = make_row()
        assert tasks.send_outgoing_email.delay(row.pk).get() is False
        row.refresh_from_db()
        assert row.status == OutgoingEmail.Status.PENDING and "timed out" in row.last_error
        smtp.data_delay = 0
        backoff_passes(row)
        assert tasks.outbox_sweep() == 1
        row.refresh_from_db()
        assert row.status == OutgoingEmail.Status.SENT and row.attempts == 2
    # The slow server did take the first copy: the resend is the same message to a mail client.
    assert len(smtp.received) == 2
    assert smtp.message_ids() == [row.message_id, row.message_id]


def test_refused_connection_is_temporary(settings):
    from ..smtp_server import free_port

    use_smtp(settings, free_port())
    row = make_row()
    assert services.email_send(email_id=row.pk) is False
    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.PENDING and row.attempts == 1 and "Refused" in row.last_error

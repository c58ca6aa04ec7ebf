"""The outbox's claim: one send per row, stale claims taken over, transient errors retried, permanent
errors kept visible, and the sweep hands out what was left behind."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from absolutt.notifications import services, tasks
from absolutt.notifications.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def make_row(**kw):
    return OutgoingEmail.objects.create(to="a@x.example", subject="S", body_text="T", **kw)


def test_send_claims_once():
    row = make_row()
    assert services.email_send(email_id=row.pk) is True
    assert services.email_send(email_id=row.pk) is False
    assert len(mail.outbox) == 1


def test_fresh_claim_blocks_a_second_worker():
    row = make_row(status=OutgoingEmail.Status.SENDING, claimed_at=timezone.now())
    assert services.email_send(email_id=row.pk) is False
    assert len(mail.outbox) == 0


def test_stale_claim_is_taken_over():
    row = make_row(status=OutgoingEmail.Status.SENDING, claimed_at=timezone.now() - timedelta(hours=1))
    assert services.email_send(email_id=row.pk) is True
    assert len(mail.outbox) == 1


def test_transient_error_returns_row_to_pending_with_a_backoff():
    row = make_row()
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPServerDisconnected()):
        assert services.email_send(email_id=row.pk) is False
    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.PENDING and row.attempts == 1 and row.claimed_at is None
    assert row.next_attempt_at > timezone.now()


def test_every_claim_counts_an_attempt_so_a_dead_worker_leaves_a_trace():
    row = make_row()
    assert services.email_claim(email_id=row.pk) is not None  # the worker dies here, before sending
    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.SENDING and row.attempts == 1
    OutgoingEmail.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert services.email_send(email_id=row.pk) is True
    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.SENT and row.attempts == 2


def test_stale_claim_window_is_a_setting(settings):
    settings.ABSOLUTT_OUTBOX_STALE_CLAIM_SECONDS = 30
    row = make_row(status=OutgoingEmail.Status.SENDING, claimed_at=timezone.now() - timedelta(seconds=20))
    assert services.outbox_due_ids() == []
    OutgoingEmail.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - timedelta(seconds=40))
    assert services.outbox_due_ids() == [row.pk]


def test_message_id_is_derived_from_the_row():
    row = make_row()
    services.email_send(email_id=row.pk)
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id
    assert row.message_id == OutgoingEmail.objects.get(pk=row.pk).message_id and str(row.pk) in row.message_id


def test_permanent_error_marks_failed_without_retry():
    row = make_row()
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=ValueError("bad address")):
        assert services.email_send(email_id=row.pk) is False
    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.FAILED and "bad address" in row.last_error


def test_dedupe_key_records_an_occasion_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.email_enqueue(to="a@x.example", subject="S", body_text="T", dedupe_key="reminder:1:a")
        second = services.email_enqueue(to="a@x.example", subject="S", body_text="T", dedupe_key="reminder:1:a")
    assert first is not None and second is None
    assert OutgoingEmail.objects.count() == 1 and len(mail.outbox) == 1


def test_sweep_hands_out_pending_and_stale_rows_only():
    pending = make_row()
    stale = make_row(status=OutgoingEmail.Status.SENDING, claimed_at=timezone.now() - timedelta(hours=1))
    make_row(status=OutgoingEmail.Status.SENDING, claimed_at=timezone.now())
    make_row(status=OutgoingEmail.Status.SENT)
    assert set(services.outbox_due_ids()) == {pending.pk, stale.pk}
    assert tasks.outbox_sweep() == 2  # eager in tests: sends both
    assert len(mail.outbox) == 2
    assert tasks.outbox_sweep() == 0


def test_task_is_not_started_before_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.email_enqueue(to="a@x.example", subject="S", body_text="T")
    assert len(callbacks) == 1 and len(mail.outbox) == 0


def test_long_dedupe_key_is_shortened_stably():
    key = "assignment-reminder:1:2:202703282359:7:" + "x" * 300 + "@kommune.example"
    first = services.email_enqueue(to="a@x.example", subject="S", body_text="T", dedupe_key=key)
    second = services.email_enqueue(to="a@x.example", subject="S", body_text="T", dedupe_key=key)
    assert first is not None and second is None and len(first.dedupe_key) <= 200

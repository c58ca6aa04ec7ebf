"""The outbox: queue an e-mail (a row, then a task after commit) and send one row.

Guarantee: at-least-once with a bounded window. Each attempt claims the row with a conditional UPDATE,
so two workers, a retried task or a second beat never send it twice while a claim is fresh. Only a worker
that dies between handing the message to the SMTP server and recording it as sent causes a second send,
after the stale-claim window; that resend carries the same Message-ID."""

import logging
import smtplib
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from .models import OutgoingEmail

logger = logging.getLogger(__name__)


def stale_claim() -> timedelta:
    """A row claimed longer ago than this belongs to a worker that died; the sweep hands it out again. It
    must exceed the send task's hard time limit, so a live worker's claim never goes stale."""
    return timedelta(seconds=settings.ABSOLUTT_OUTBOX_STALE_CLAIM_SECONDS)


def max_attempts() -> int:
    return settings.ABSOLUTT_OUTBOX_MAX_ATTEMPTS


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th attempt failed for a temporary reason: doubling from
    ``ABSOLUTT_OUTBOX_BACKOFF_SECONDS``, at most an hour."""
    seconds = settings.ABSOLUTT_OUTBOX_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, 3600))


def is_transient(exc: BaseException) -> bool:
    """Whether a send error may go away by itself: SMTP 4xx answers (greylisting, "451 try again later"),
    a dropped or refused connection, a timeout (``EMAIL_TIMEOUT``), the task's soft time limit. A 5xx
    answer (unknown recipient, rejected content) and anything else is permanent."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code < 0 or 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected | OSError | SoftTimeLimitExceeded):
        return True
    return False


def error_reason(exc: BaseException) -> str:
    """The error as a person can read it, e.g. "550 5.1.1 User unknown"."""
    def text(msg) -> str:
        return msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{to}: {code} {text(msg)}" for to, (code, msg) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {text(exc.smtp_error)}"
    if isinstance(exc, TimeoutError | SoftTimeLimitExceeded):
        return f"Timeout ({type(exc).__name__}) {exc}".strip()
    return f"{type(exc).__name__}: {exc}"


def email_enqueue(
    *, to: str, subject: str, body_text: str, body_html: str = "", dedupe_key: str | None = None,
    kind: str = OutgoingEmail.Kind.OTHER, about: models.Model | None = None, party: models.Model | None = None,
) -> OutgoingEmail | None:
    """Save an outbox row and start the send task once the surrounding transaction commits. With
    ``dedupe_key``, a second call for the same key does nothing and returns None. ``about`` is the object
    the e-mail is about, ``party`` the participant whose part of it it is (both optional)."""
    if dedupe_key and len(dedupe_key) > 200:  # the column holds 200; keep it unique and stable
        import hashlib

        dedupe_key = dedupe_key[:130] + ":" + hashlib.sha256(dedupe_key.encode()).hexdigest()
    try:
        with transaction.atomic():
            row = OutgoingEmail.objects.create(
                to=to, subject=subject, body_text=body_text, body_html=body_html, dedupe_key=dedupe_key,
                kind=kind, about=about, party=party,
            )
    except IntegrityError:
        if dedupe_key and OutgoingEmail.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    transaction.on_commit(lambda: send_after_commit(row.pk))
    return row


def send_after_commit(email_id: int) -> None:
    """Start the send task for a saved row. Never raises: with the broker down the row stays pending and
    beat's outbox sweep hands it out when the broker is back, so nothing the user did turns into an error."""
    from .tasks import send_outgoing_email

    try:
        send_outgoing_email.delay(email_id)
    except Exception as exc:
        logger.warning("Outgoing e-mail %s saved but not handed to the broker (the outbox sweep will): %r",
                       email_id, exc)


def email_enqueue_template(
    *, to: str, template: str, context: dict, language: str | None = None, dedupe_key: str | None = None,
    kind: str = OutgoingEmail.Kind.OTHER, about: models.Model | None = None, party: models.Model | None = None,
) -> OutgoingEmail | None:
    """Render ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html`` in the recipient's
    language and queue the result."""
    subject, body_text, body_html = render_email(template, context, language)
    return email_enqueue(
        to=to, subject=subject, body_text=body_text, body_html=body_html, dedupe_key=dedupe_key, kind=kind, about=about,
        party=party,
    )


def render_email(template: str, context: dict, language: str | None) -> tuple[str, str, str]:
    """Subject, text and HTML of ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html`` in
    ``language``."""
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context).strip().replace("\n", " ")
        body_text = render_to_string(f"{template}.txt", context)
        body_html = render_to_string(f"{template}.html", context)
    return subject, body_text, body_html


def email_render(row: OutgoingEmail) -> OutgoingEmail:
    """Render a row queued by the reminder engine with a ``builder`` (``row.render``), once: its builder
    makes the context from the occasion's ``args`` and the ids of what the row is about (``about_id``,
    ``party_id``), in the recipient's language; the text is saved on the row, so every attempt
    sends the same text. Raises what the builder raises (e.g. the object is gone): a permanent error."""
    if not row.render or row.body_text:
        return row
    from .reminders import languages_of

    spec = row.render
    context = import_string(spec["builder"])(**{"about_id": row.about_id, "party_id": row.party_id, **spec["args"]})
    language = spec.get("language") or languages_of([row.to]).get(row.to.lower())
    row.subject, row.body_text, row.body_html = render_email(spec["template"], context, language)
    OutgoingEmail.objects.filter(pk=row.pk).update(subject=row.subject[:255], body_text=row.body_text,
                                                   body_html=row.body_html)
    return row


def email_claim(*, email_id: int) -> OutgoingEmail | None:
    """Claim a row for sending with one conditional UPDATE that also counts the attempt, so a worker that
    dies mid-send leaves a trace. Returns None when another worker holds a fresh claim, when it is sent or
    failed, or when its attempts are used up; a claim older than ``stale_claim()`` is taken over."""
    now = timezone.now()
    claimable = Q(status=OutgoingEmail.Status.PENDING) | Q(
        status=OutgoingEmail.Status.SENDING, claimed_at__lt=now - stale_claim()
    )
    updated = OutgoingEmail.objects.filter(claimable, pk=email_id, attempts__lt=max_attempts()).update(
        status=OutgoingEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1, next_attempt_at=None
    )
    if not updated:
        return None
    return OutgoingEmail.objects.get(pk=email_id)


def email_message(row: OutgoingEmail) -> EmailMultiAlternatives:
    """The message for a row, with a Message-ID derived from the row so that every attempt carries the same."""
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.body_text, from_email=settings.DEFAULT_FROM_EMAIL, to=[row.to],
        headers={"Message-ID": row.message_id},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    return message


def email_send(*, email_id: int) -> bool:
    """Send one outbox row if it can be claimed. Returns True when this call sent it.

    A temporary error (``is_transient``) puts the row back as pending with ``next_attempt_at`` after a
    backoff; beat's outbox sweep hands it out again then, until ``ABSOLUTT_OUTBOX_MAX_ATTEMPTS`` attempts
    are used, when it fails with the last reason. A permanent error fails it at once, with the reason."""
    row = email_claim(email_id=email_id)
    if row is None:
        return False
    try:
        email_message(email_render(row)).send()
    except Exception as exc:
        reason = error_reason(exc)
        if is_transient(exc) and row.attempts < max_attempts():
            OutgoingEmail.objects.filter(pk=row.pk, status=OutgoingEmail.Status.SENDING).update(
                status=OutgoingEmail.Status.PENDING, last_error=reason, claimed_at=None,
                next_attempt_at=timezone.now() + backoff(row.attempts),
            )
            logger.warning("Outgoing e-mail %s: temporary error, will try again: %s", row.pk, reason)
        else:
            OutgoingEmail.objects.filter(pk=row.pk, status=OutgoingEmail.Status.SENDING).update(
                status=OutgoingEmail.Status.FAILED, last_error=reason
            )
            logger.error("Outgoing e-mail %s failed: %s", row.pk, reason)
        if isinstance(exc, SoftTimeLimitExceeded):
            raise
        return False
    OutgoingEmail.objects.filter(pk=row.pk).update(
        status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def outbox_due_ids(*, limit: int = 10000) -> list[int]:
    """Rows that should be (re)sent now: pending ones whose backoff has passed, and ones whose claim went
    stale. A stale claim whose attempts are used up is marked failed here (the worker died every time)."""
    now = timezone.now()
    stale = Q(status=OutgoingEmail.Status.SENDING, claimed_at__lt=now - stale_claim())
    OutgoingEmail.objects.filter(stale, attempts__gte=max_attempts()).update(
        status=OutgoingEmail.Status.FAILED, last_error="The worker stopped while sending, on every attempt."
    )
    due = (Q(status=OutgoingEmail.Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
           ) | stale
    return list(OutgoingEmail.objects.filter(due).order_by("created_at").values_list("pk", flat=True)[:limit])


def email_retry(*, email_id: int) -> bool:
    """"Send again": a failed row (or a pending one waiting for its backoff) gets a fresh set of attempts
    and is handed out after commit. A row that is being sent or was sent is left alone (returns False)."""
    updated = OutgoingEmail.objects.filter(
        pk=email_id, status__in=[OutgoingEmail.Status.FAILED, OutgoingEmail.Status.PENDING]
    ).update(status=OutgoingEmail.Status.PENDING, attempts=0, next_attempt_at=None, claimed_at=None)
    if updated:
        transaction.on_commit(lambda: send_after_commit(email_id))
    return bool(updated)


def outbox_purge(*, now=None) -> int:
    """Retention: the texts of e-mails sent (or failed) more than ``ABSOLUTT_OUTBOX_RETENTION_DAYS`` days ago
    are emptied. The row stays, without its text: it is the record that the person was reminded (the
    dedupe key, the kind, the time), which the matrix and the reminder history show. Returns rows purged."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ABSOLUTT_OUTBOX_RETENTION_DAYS)
    old = OutgoingEmail.objects.filter(
        status__in=[OutgoingEmail.Status.SENT, OutgoingEmail.Status.FAILED], created_at__lt=cutoff
    ).exclude(body_text="", body_html="", render__isnull=True)
    purged = 0
    while ids := list(old.values_list("pk", flat=True)[:5000]):
        purged += OutgoingEmail.objects.filter(pk__in=ids).update(body_text="", body_html="", render=None)
    return purged

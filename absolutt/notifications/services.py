"""The outbox: queue an e-mail (a row, then a task after commit), and send one row exactly once."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

# A row claimed longer ago than this belongs to a worker that died; the sweep hands it out again.
STALE_CLAIM = timedelta(minutes=10)
MAX_ATTEMPTS = 5
TRANSIENT_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError)


def email_enqueue(
    *, to: str, subject: str, body_text: str, body_html: str = "", dedupe_key: str | None = None,
    kind: str = "", topic: str = "",
) -> OutgoingEmail | None:
    """Save an outbox row and start the send task once the surrounding transaction commits. With
    ``dedupe_key``, a second call for the same key does nothing and returns None."""
    if dedupe_key and len(dedupe_key) > 200:  # the column holds 200; keep it unique and stable
        import hashlib

        dedupe_key = dedupe_key[:130] + ":" + hashlib.sha256(dedupe_key.encode()).hexdigest()
    try:
        with transaction.atomic():
            row = OutgoingEmail.objects.create(
                to=to, subject=subject, body_text=body_text, body_html=body_html, dedupe_key=dedupe_key,
                kind=kind, topic=topic,
            )
    except IntegrityError:
        if dedupe_key and OutgoingEmail.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    from .tasks import send_outgoing_email

    transaction.on_commit(lambda: send_outgoing_email.delay(row.pk))
    return row


def email_enqueue_template(
    *, to: str, template: str, context: dict, language: str | None = None, dedupe_key: str | None = None,
    kind: str = "", topic: str = "",
) -> OutgoingEmail | None:
    """Render ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html`` in the recipient's
    language and queue the result."""
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context).strip().replace("\n", " ")
        body_text = render_to_string(f"{template}.txt", context)
        body_html = render_to_string(f"{template}.html", context)
    return email_enqueue(
        to=to, subject=subject, body_text=body_text, body_html=body_html, dedupe_key=dedupe_key, kind=kind, topic=topic
    )


def email_claim(*, email_id: int) -> OutgoingEmail | None:
    """Claim a row for sending with one conditional UPDATE. Returns None when another worker holds it or
    it is already sent; a claim older than STALE_CLAIM is taken over."""
    now = timezone.now()
    claimable = Q(status=OutgoingEmail.Status.PENDING) | Q(
        status=OutgoingEmail.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    updated = OutgoingEmail.objects.filter(claimable, pk=email_id).update(
        status=OutgoingEmail.Status.SENDING, claimed_at=now
    )
    if not updated:
        return None
    return OutgoingEmail.objects.get(pk=email_id)


def email_send(*, email_id: int) -> bool:
    """Send one outbox row if it can be claimed. Returns True when this call sent it. Transient errors
    put the row back as pending and re-raise so the task retries with backoff."""
    row = email_claim(email_id=email_id)
    if row is None:
        return False
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.body_text, from_email=settings.DEFAULT_FROM_EMAIL, to=[row.to]
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    try:
        message.send()
    except TRANSIENT_ERRORS as exc:
        status = OutgoingEmail.Status.FAILED if row.attempts + 1 >= MAX_ATTEMPTS else OutgoingEmail.Status.PENDING
        OutgoingEmail.objects.filter(pk=row.pk).update(
            status=status, attempts=row.attempts + 1, last_error=repr(exc), claimed_at=None
        )
        raise
    except Exception as exc:  # a permanent error: do not retry, keep it visible
        OutgoingEmail.objects.filter(pk=row.pk).update(
            status=OutgoingEmail.Status.FAILED, attempts=row.attempts + 1, last_error=repr(exc)
        )
        logger.exception("Outgoing e-mail %s failed permanently", row.pk)
        return False
    OutgoingEmail.objects.filter(pk=row.pk).update(
        status=OutgoingEmail.Status.SENT, attempts=row.attempts + 1, sent_at=timezone.now(), last_error=""
    )
    return True


def outbox_due_ids(*, limit: int = 500) -> list[int]:
    """Rows that should be (re)sent now: pending ones, and ones whose claim went stale."""
    now = timezone.now()
    due = Q(status=OutgoingEmail.Status.PENDING) | Q(
        status=OutgoingEmail.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    return list(OutgoingEmail.objects.filter(due).order_by("created_at").values_list("pk", flat=True)[:limit])

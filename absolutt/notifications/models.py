from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """The outbox: every e-mail the platform sends is first saved here, then sent by a Celery task that
    claims the row with a conditional UPDATE (counting an attempt), so a retry, a second worker or a second
    beat does not send it twice while the claim is fresh. A worker that dies mid-send leaves a claim that
    goes stale after ``ABSOLUTT_OUTBOX_STALE_CLAIM_SECONDS`` and is sent again (at-least-once; the stable
    ``Message-ID`` makes a resend one message to mail clients). ``dedupe_key`` (unique) lets a reminder
    sweep record "this occasion, this person" exactly once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    render = models.JSONField(
        null=True, blank=True, editable=False,
        help_text="Queued by the reminder engine: template, builder and ids; rendered when sent",
    )
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=40, blank=True, help_text=_("E.g. gathering_reminder"))
    topic = models.CharField(
        max_length=80, blank=True, db_index=True, help_text="What it is about, e.g. gathering:12 (for listings)"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        _("next attempt"), null=True, blank=True, help_text=_("After a temporary error: not before this time.")
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "claimed_at"]),
            # the outbox page and the admin: by status, newest first; and everything newest first
            models.Index(fields=["status", "-created_at"], name="outbox_status_created"),
            models.Index(fields=["-created_at"], name="outbox_created"),
            # the reminder engine's "reminded of this kind and topic since" and the reminder histories
            models.Index(fields=["kind", "topic"], name="outbox_kind_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"

    @property
    def message_id(self) -> str:
        """A Message-ID derived from the row alone, the same on every attempt."""
        from django.conf import settings

        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "absolutt.invalid"
        return f"<outbox-{self.pk}.{self.created_at:%Y%m%d%H%M%S}@{domain}>"

    KIND_LABELS = {
        "gathering_reminder": _("Reminder before the samling"),
        "registration_deadline_reminder": _("Registration deadline reminder"),
        "gathering_moved": _("New time"),
        "gathering_promoted": _("Seat from the waiting list"),
        "evaluation_invite": _("Evaluation"),
        "evaluation_reminder": _("Evaluation reminder"),
        "assignment_reminder": _("Deadline reminder"),
        "assignment_overdue": _("Overdue notice"),
        "assignment_escalation": _("Escalation to the regional coordinator"),
        "assignment_digest": _("Digest"),
        "assignment_nudge": _("Reminder sent by hand"),
        "gathering_nudge": _("Reminder sent by hand"),
        "assignment_no_coordinator": _("No coordinator: reminders went to the core group"),
        "submission_returned": _("Returned for revision"),
        "submission_approved": _("Approved"),
        "extension_requested": _("Extension requested"),
        "invitation": _("Invitation"),
    }

    @property
    def kind_label(self) -> str:
        return str(self.KIND_LABELS.get(self.kind, self.kind))

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """The outbox: every e-mail the platform sends is first saved here, then sent by a Celery task that
    claims the row with a conditional UPDATE (counting an attempt), so a retry, a second worker or a second
    beat does not send it twice while the claim is fresh. A worker that dies mid-send leaves a claim that
    goes stale after ``ABSOLUTT_OUTBOX_STALE_CLAIM_SECONDS`` and is sent again (at-least-once; the stable
    ``Message-ID`` makes a resend one message to mail clients). ``dedupe_key`` (unique) lets a reminder
    sweep record "this occasion, this person" exactly once.

    What an e-mail is about is a real relation: ``about`` (a generic relation to the object: a samling, an
    assignment, an invitation, a round, a user for a digest) and, where it is one participant's part of
    that object (its work on an assignment, its place at a samling), ``party`` (a generic relation to the
    participant). The platform knows no domain model; ``absolutt.notifications.selectors`` answers
    "the e-mails about this object"."""

    class Kind(models.TextChoices):
        GATHERING_REMINDER = "gathering_reminder", _("Reminder before the samling")
        REGISTRATION_DEADLINE_REMINDER = "registration_deadline_reminder", _("Registration deadline reminder")
        GATHERING_MOVED = "gathering_moved", _("New time")
        GATHERING_PROMOTED = "gathering_promoted", _("Seat from the waiting list")
        GATHERING_NUDGE = "gathering_nudge", _("Reminder sent by hand")
        EVALUATION_INVITE = "evaluation_invite", _("Evaluation")
        EVALUATION_REMINDER = "evaluation_reminder", _("Evaluation reminder")
        ASSIGNMENT_REMINDER = "assignment_reminder", _("Deadline reminder")
        ASSIGNMENT_OVERDUE = "assignment_overdue", _("Overdue notice")
        ASSIGNMENT_ESCALATION = "assignment_escalation", _("Escalation to the regional coordinator")
        ASSIGNMENT_DIGEST = "assignment_digest", _("Digest")
        ASSIGNMENT_NUDGE = "assignment_nudge", _("Reminder sent by hand")
        ASSIGNMENT_NO_COORDINATOR = "assignment_no_coordinator", _("No coordinator: reminders went to the core group")
        SUBMISSION_RETURNED = "submission_returned", _("Returned for revision")
        SUBMISSION_APPROVED = "submission_approved", _("Approved")
        EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
        INVITATION = "invitation", _("Invitation")
        ACCOUNT = "account", _("Account e-mail")
        OTHER = "other", _("Other")

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
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices, default=Kind.OTHER)
    # no index of their own: the ``outbox_about`` index begins with ``about_type``
    about_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   db_index=False, verbose_name=_("about (type)"))
    about_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    party_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   db_index=False, verbose_name=_("participant (type)"))
    party_id = models.PositiveBigIntegerField(_("participant (id)"), null=True, blank=True)
    party = GenericForeignKey("party_type", "party_id")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    occasion_at = models.DateTimeField(
        _("fell due"), null=True, blank=True, editable=False,
        help_text="Queued by the reminder engine: when the occasion fell due (its 'reminded since' check)")
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
            # "the e-mails about this object (for this participant)": the reminder histories, the matrix's
            # counts, the engine's "reminded of this kind since" and the mellomarbeid sweep's check
            models.Index(fields=["about_type", "about_id", "party_id", "kind", "occasion_at"], name="outbox_about"),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"

    @property
    def message_id(self) -> str:
        """A Message-ID derived from the row alone, the same on every attempt."""
        from django.conf import settings

        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "absolutt.invalid"
        return f"<outbox-{self.pk}.{self.created_at:%Y%m%d%H%M%S}@{domain}>"

    @property
    def kind_label(self) -> str:
        return self.get_kind_display()

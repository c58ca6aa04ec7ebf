"""Mellomarbeid — the work between samlinger: assignments given to every participant of a round, one
submission per participant and assignment with every delivery kept as a version, feedback, extensions."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from absolutt.notifications.models import OutgoingEmail


class Phase(models.TextChoices):
    CURRENT_SITUATION = "staasted", _("Ståstedsanalyse")
    NEED_FOR_CHANGE = "behov", _("Behov for endring")
    FUTURE_PICTURE = "fremtidsbilde", _("Fremtidsbilde")
    DEVELOPMENT = "utviklingsarbeid", _("Utviklingsarbeid")
    ANCHORING = "forankring", _("Forankring")
    OTHER = "annet", _("Other")


class Assignment(models.Model):
    round = models.ForeignKey("programmes.Round", on_delete=models.CASCADE, related_name="assignments",
                              verbose_name=_("round"))
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True,
                                    help_text=_("Markdown: **bold**, *italic*, lists with -, links."))
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.OTHER)
    given_after = models.ForeignKey("sessions_app.Gathering", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="assignments_given", verbose_name=_("given after samling"))
    due_before = models.ForeignKey("sessions_app.Gathering", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="assignments_due", verbose_name=_("due before samling"))
    opens_at = models.DateTimeField(_("opens"))
    due_at = models.DateTimeField(_("due"))
    due_days_before_gathering = models.PositiveSmallIntegerField(
        _("due days before that samling"), null=True, blank=True,
        help_text=_("Set to make the due time follow the samling when it moves (e.g. 3 = three days before, at 23:59)."),
    )
    cutoff_at = models.DateTimeField(_("cut-off"), null=True, blank=True,
                                     help_text=_("Nothing can be delivered after this time."))
    expected_attachments = models.CharField(_("expected attachments"), max_length=300, blank=True)
    requires_both_levels = models.BooleanField(
        _("requires political and administrative contributors"), default=False,
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(due_at__gt=F("opens_at")), name="assignment_due_after_opens"),
            models.CheckConstraint(condition=Q(cutoff_at__isnull=True) | Q(cutoff_at__gte=F("due_at")),
                                   name="assignment_cutoff_after_due"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("interwork:assignment_detail", kwargs={"pk": self.pk})

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.opens_at and self.due_at and self.due_at <= self.opens_at:
            errors["due_at"] = _("The due time must be after the assignment opens.")
        if self.cutoff_at and self.due_at and self.cutoff_at < self.due_at:
            errors["cutoff_at"] = _("The cut-off cannot be before the due time.")
        if self.due_days_before_gathering is not None and not self.due_before_id:
            errors["due_days_before_gathering"] = _("Choose the samling the assignment is due before.")
        for field in ("given_after", "due_before"):
            g = getattr(self, field)
            if g is not None and self.round_id and g.round_id != self.round_id:
                errors[field] = _("That samling belongs to another round.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.opens_at <= timezone.now()


class SubmissionQuerySet(models.QuerySet):
    """The rules on mellomarbeid as queryset vocabulary. ``open_q``/``overdue_q`` are the same conditions as
    ``Q`` objects, for counting inside an annotation."""

    @staticmethod
    def open_q() -> Q:
        """Work the participant still has to do: not started, a draft, or returned for revision."""
        return Q(status__in=Submission.OPEN_STATUSES)

    @staticmethod
    def overdue_q(now) -> Q:
        """Open work whose (extended) due time has passed."""
        return SubmissionQuerySet.open_q() & (Q(extended_due_at__lt=now) | Q(extended_due_at__isnull=True, assignment__due_at__lt=now))

    def open(self) -> "SubmissionQuerySet":
        return self.filter(self.open_q())

    def overdue(self, now) -> "SubmissionQuerySet":
        return self.filter(self.overdue_q(now))


# The e-mails that remind of one participant's work on one assignment. In the outbox they are *about* the
# assignment, with the participant as their *party* (the work needs no submission row, which most work does
# not have until someone starts it); the review notices about a submission are about the same pair.
WORK_REMINDER_KINDS = tuple(k for k in OutgoingEmail.Kind if k.startswith("assignment_"))


class Submission(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        DRAFT = "draft", _("Draft")
        DELIVERED = "delivered", _("Delivered")
        RETURNED = "returned", _("Returned for revision")
        APPROVED = "approved", _("Approved")

    OPEN_STATUSES = (Status.NOT_STARTED, Status.DRAFT, Status.RETURNED)

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions",
                                   verbose_name=_("assignment"))
    participant = models.ForeignKey("municipalities.Participant", on_delete=models.CASCADE,
                                    related_name="submissions", verbose_name=_("participant"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    draft_text = models.TextField(_("text"), blank=True)
    draft_revision = models.PositiveIntegerField(default=0, help_text="Goes up on every save (concurrent edits)")
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    draft_saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+")
    contributors = models.ManyToManyField("municipalities.CoreGroupMember", blank=True, related_name="contributions",
                                          verbose_name=_("contributors"))
    extended_due_at = models.DateTimeField(_("extended due time"), null=True, blank=True)
    last_delivered_at = models.DateTimeField(null=True, blank=True)
    first_delivered_late = models.BooleanField(null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [models.UniqueConstraint(fields=["assignment", "participant"], name="one_submission_per_participant")]
        indexes = [models.Index(fields=["assignment", "status"])]

    def __str__(self) -> str:
        return f"{self.participant} – {self.assignment}"

    def get_absolute_url(self) -> str:
        return reverse("interwork:submission_detail", kwargs={"pk": self.assignment_id, "participant_pk": self.participant_id})

    @property
    def effective_due_at(self):
        return self.extended_due_at or self.assignment.due_at

    @property
    def is_open_work(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open_work and timezone.now() > self.effective_due_at

    @property
    def delivery_closes_at(self):
        """After the cut-off nothing can be delivered; an extension beyond the cut-off moves it."""
        cutoff = self.assignment.cutoff_at
        if cutoff is None:
            return None
        return max(cutoff, self.extended_due_at) if self.extended_due_at else cutoff

    @property
    def can_deliver_now(self) -> bool:
        closes = self.delivery_closes_at
        return closes is None or timezone.now() <= closes


class SubmissionVersion(models.Model):
    """One delivery, kept forever: text, contributors and files as they were."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    delivered_at = models.DateTimeField()
    is_late = models.BooleanField(default=False)
    contributors = models.JSONField(default=list, help_text="[{name, title, role_category}] at delivery time")

    class Meta:
        verbose_name = _("delivered version")
        verbose_name_plural = _("delivered versions")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["submission", "number"], name="one_version_number")]

    def __str__(self) -> str:
        return f"{self.submission} v{self.number}"


def _file_path(instance, filename: str) -> str:
    return f"submissions/{instance.submission_id}/{uuid.uuid4().hex}"


class SubmissionFile(models.Model):
    """A file on the current draft (version empty) or frozen into a delivered version."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    version = models.ForeignKey(SubmissionVersion, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    file = models.FileField(upload_to=_file_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Feedback(models.Model):
    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        RETURNED = "returned", _("Returned for revision")
        APPROVED = "approved", _("Approved")
        EXTENSION = "extension", _("Extension")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.submission}"


class Extension(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="extensions")
    new_due_at = models.DateTimeField(_("new due time"))
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission}: {self.new_due_at:%Y-%m-%d %H:%M} ({self.status})"

"""Samlinger (gatherings) of a programme round: scheduling, agenda, registration with seats and a waiting
list, attendance, materials, and calendar feeds."""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import RoleCategory


class GatheringQuerySet(models.QuerySet):
    def held(self, now) -> "GatheringQuerySet":
        """Samlinger that have ended by ``now`` (``Gathering.is_held_at``)."""
        return self.filter(ends_at__lte=now)

    def coming(self, now) -> "GatheringQuerySet":
        return self.filter(ends_at__gt=now)


class Gathering(models.Model):
    class Kind(models.TextChoices):
        JOINT = "fellessamling", _("Fellessamling")
        COORDINATORS = "koordinatorsamling", _("Koordinatorsamling")
        CLOSING = "erfaringssamling", _("Erfaringssamling")

    class Format(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        DIGITAL = "digital", _("Digital")
        HYBRID = "hybrid", _("Hybrid")

    round = models.ForeignKey("programmes.Round", on_delete=models.CASCADE, related_name="gatherings",
                              verbose_name=_("round"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.JOINT)
    number = models.PositiveSmallIntegerField(_("number in the round"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    theme_question = models.CharField(_("theme question"), max_length=200, blank=True,
                                      help_text=_("E.g. «Behov for endring?»"))
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.PHYSICAL)
    venue = models.CharField(_("venue"), max_length=300, blank=True, help_text=_("Name and address"))
    video_link = models.URLField(_("video link"), blank=True,
                                 help_text=_("Shown only to registered people, prominently from an hour before the start."))
    organisers = models.CharField(_("organisers"), max_length=300, blank=True)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    seats_per_participant = models.PositiveSmallIntegerField(
        _("seats per participant"), null=True, blank=True, help_text=_("Empty: no limit per participant.")
    )
    capacity = models.PositiveIntegerField(_("total capacity"), null=True, blank=True,
                                           help_text=_("Empty: no limit. When full, registrations go on a waiting list."))
    require_mix = models.BooleanField(
        _("warn about delegation mix"), default=False,
        help_text=_("Warn when a delegation lacks an elected official or an administrative leader."),
    )
    summary = models.TextField(_("summary / minutes"), blank=True)
    sequence = models.PositiveIntegerField(default=0, editable=False, help_text="iCalendar SEQUENCE")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GatheringQuerySet.as_manager()

    class Meta:
        verbose_name = _("samling")
        verbose_name_plural = _("samlinger")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="gathering_ends_after_start"),
            models.CheckConstraint(
                condition=Q(registration_deadline__isnull=True) | Q(registration_deadline__lte=F("starts_at")),
                name="gathering_deadline_before_start",
            ),
            models.CheckConstraint(condition=Q(seats_per_participant__isnull=True) | Q(seats_per_participant__gte=1),
                                   name="gathering_seats_positive"),
            models.CheckConstraint(condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                                   name="gathering_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sessions_app:gathering_detail", kwargs={"pk": self.pk})

    @property
    def ical_uid(self) -> str:
        return f"samling-{self.pk}@absolutt.ks.no"

    def is_held_at(self, now) -> bool:
        """A samling is held once it has ended; until then it is coming."""
        return self.ends_at <= now

    @property
    def is_past(self) -> bool:
        return self.is_held_at(timezone.now())

    @property
    def is_physical(self) -> bool:
        return self.format in (self.Format.PHYSICAL, self.Format.HYBRID)

    @property
    def has_video(self) -> bool:
        return self.format in (self.Format.DIGITAL, self.Format.HYBRID) and bool(self.video_link)

    @property
    def video_link_prominent(self) -> bool:
        now = timezone.now()
        return self.starts_at - timedelta(hours=1) <= now <= self.ends_at

    @property
    def effective_registration_deadline(self):
        """Registration (and cancelling) closes at the deadline, or when the samling starts if it has none."""
        return self.registration_deadline or self.starts_at

    @property
    def registration_is_open(self) -> bool:
        now = timezone.now()
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return now <= self.effective_registration_deadline

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The samling must end after it starts.")
        if self.registration_deadline and self.starts_at and self.registration_deadline > self.starts_at:
            errors["registration_deadline"] = _("The registration deadline must be before the samling starts.")
        if (self.registration_opens_at and self.registration_deadline
                and self.registration_opens_at > self.registration_deadline):
            errors["registration_opens_at"] = _("Registration must open before the deadline.")
        if self.seats_per_participant is not None and self.seats_per_participant < 1:
            errors["seats_per_participant"] = _("Seats per participant must be at least 1.")
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = _("The capacity must be at least 1.")
        if self.format == self.Format.DIGITAL and not self.video_link:
            errors["video_link"] = _("A digital samling needs a video link.")
        if self.format == self.Format.PHYSICAL and not self.venue:
            errors["venue"] = _("A physical samling needs a venue.")
        if errors:
            raise ValidationError(errors)


class AgendaItem(models.Model):
    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("samling"))
    starts_at = models.DateTimeField(_("time"))
    title = models.CharField(_("title"), max_length=200)
    speaker = models.CharField(_("speaker / responsible"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="registrations",
                                  verbose_name=_("samling"))
    participant = models.ForeignKey("municipalities.Participant", on_delete=models.CASCADE,
                                    related_name="registrations", verbose_name=_("participant"))
    core_group_member = models.ForeignKey("municipalities.CoreGroupMember", on_delete=models.SET_NULL, null=True,
                                          blank=True, related_name="registrations", verbose_name=_("core group member"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="gathering_registrations")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    role_category = models.CharField(_("role category"), max_length=20, choices=RoleCategory.choices,
                                     default=RoleCategory.OTHER)
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+")

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                "gathering", models.functions.Lower("email"), condition=~Q(status="cancelled"),
                name="registration_one_active_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["gathering", "status", "created_at"]),
            # what ``email__iexact`` compares on PostgreSQL (a person's calendar, Min side, the samling page)
            models.Index(models.functions.Upper("email"), name="registration_email_upper"),
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.gathering}"


def _material_path(instance, filename: str) -> str:
    # Random, not guessable, and outside any public URL: files are served by a permission-checking view.
    return f"materials/{instance.gathering_id}/{uuid.uuid4().hex}"


class Material(models.Model):
    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="materials",
                                  verbose_name=_("samling"))
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="materials", verbose_name=_("agenda item"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=_material_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sessions_app:material_download", kwargs={"pk": self.gathering_id, "material_pk": self.pk})


def _feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A personal calendar subscription: a secret URL that can be revoked by making a new one."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"


# --- Evaluations after every samling ------------------------------------------------------------

class Evaluation(models.Model):
    """The evaluation of one samling, or a round's end-of-round survey (``survey_round``, sent to the
    round's core-group members when the regional coordinator opens it). Answers are anonymous by design: an
    invitation records *that* a person answered (to stop double answers and chase non-respondents); the
    answers themselves have random ids, no timestamps and no link to the invitation or the person."""

    gathering = models.OneToOneField(Gathering, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="evaluation")
    survey_round = models.OneToOneField("programmes.Round", on_delete=models.CASCADE, null=True, blank=True,
                                        related_name="end_survey", verbose_name=_("end-of-round survey of"))
    reminder_after_days = models.PositiveSmallIntegerField(_("reminder to non-respondents after (days)"), default=4)
    close_after_days = models.PositiveSmallIntegerField(_("closes after (days)"), default=14)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(condition=Q(gathering__isnull=True) ^ Q(survey_round__isnull=True),
                                   name="evaluation_of_samling_or_round"),
        ]

    def __str__(self) -> str:
        return f"Evaluering: {self.gathering or self.survey_round}"

    @property
    def is_survey(self) -> bool:
        return self.survey_round_id is not None

    @property
    def round(self):
        return self.survey_round if self.is_survey else self.gathering.round

    @property
    def title(self) -> str:
        return self.gathering.title if self.gathering_id else str(_("End-of-round survey"))

    @property
    def opens_at(self):
        """A samling's evaluation opens when it ends; a survey when it is sent (never, until then)."""
        if self.gathering_id:
            return self.gathering.ends_at
        return self.sent_at

    @property
    def closes_at(self):
        opens = self.opens_at
        return opens + timedelta(days=self.close_after_days) if opens else None

    def is_open_at(self, when) -> bool:
        return self.opens_at is not None and self.opens_at <= when < self.closes_at

    @property
    def is_open(self) -> bool:
        return self.is_open_at(timezone.now())


class EvaluationQuestion(models.Model):
    """A question: on the three-point scale (i liten grad / i noen grad / i stor grad) with an optional
    "Utdyp", multiple choice (``options``; with an optional "Utdyp"), or free text. Rows without evaluation
    and round are the national shared core (kept by the national lead); rows with a round only are that
    round's template; rows with an evaluation are the questions asked. ``part`` is the heading of the part
    of the form the question opens (the study's survey has five)."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("Three-point scale with Utdyp")
        CHOICE = "choice", _("Multiple choice")
        TEXT = "text", _("Free text")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, null=True, blank=True, related_name="questions")
    round = models.ForeignKey("programmes.Round", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="evaluation_template", verbose_name=_("round"))
    is_core = models.BooleanField(_("shared national core"), default=False)
    core_key = models.SlugField(max_length=40, blank=True, help_text="Same key = same question across regions")
    text = models.CharField(_("question"), max_length=400)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind of question"), max_length=10, choices=Kind.choices, default=Kind.SCALE)
    options = models.JSONField(_("options"), default=list, blank=True)
    part = models.CharField(_("part"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("evaluation question")
        verbose_name_plural = _("evaluation questions")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(evaluation__isnull=True) | Q(round__isnull=True),
                                   name="question_in_evaluation_or_template"),
        ]

    def __str__(self) -> str:
        return self.text


class EvaluationInvite(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="invites")
    registration = models.ForeignKey(Registration, on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    # the role the person is registered with (registration or core group), for the rule on stored roles
    role_category = models.CharField(max_length=20, blank=True, choices=RoleCategory.choices)
    token = models.CharField(max_length=64, unique=True, default=_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_on = models.DateField(null=True, blank=True, help_text="Only the date: no time that could be matched to an answer")

    class Meta:
        constraints = [models.UniqueConstraint("evaluation", models.functions.Lower("email"), name="one_invite_per_person")]

    def __str__(self) -> str:
        return f"{self.email} – {self.evaluation}"


class EvaluationPending(models.Model):
    """An answer waiting in the pending pool: written in a transaction of its own (never the one that marks
    the invitation), re-written by the beat under new random ids in random order, and released into
    ``EvaluationResponse`` in shuffled batches of at least k (``evaluations.evaluations_release``). No
    timestamps, no link to the invitation. ``answers`` maps question id -> [value or null, comment]."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="pending")
    role_category = models.CharField(max_length=20, blank=True, choices=RoleCategory.choices)
    answers = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("pending evaluation answer")
        verbose_name_plural = _("pending evaluation answers")

    def __str__(self) -> str:
        return str(self.id)


class EvaluationResponse(models.Model):
    """One anonymous response: a random id and, only where at least k people of that role answered, the
    respondent's role category (blank otherwise). Made by the release of a batch, never by the answer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="responses")
    role_category = models.CharField(_("role category"), max_length=20, blank=True, choices=RoleCategory.choices)

    class Meta:
        verbose_name = _("evaluation response")
        verbose_name_plural = _("evaluation responses")

    def __str__(self) -> str:
        return str(self.id)


class EvaluationAnswer(models.Model):
    class Scale(models.IntegerChoices):
        LOW = 1, _("i liten grad")
        SOME = 2, _("i noen grad")
        HIGH = 3, _("i stor grad")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(EvaluationResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(EvaluationQuestion, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField(choices=Scale.choices, null=True, blank=True)
    selected = models.JSONField(default=list, blank=True)  # multiple choice: the indexes of the options ticked
    comment = models.TextField(_("Utdyp"), blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__in=[1, 2, 3]), name="answer_on_scale"),
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value}"

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A KS region that runs programme rounds (e.g. Møre og Romsdal, Agder)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:region_detail", kwargs={"slug": self.slug})


class LocalApproach(models.Model):
    """A programme-wide catalogue of local approaches a round may offer (0–24-samarbeidet, FNs
    barnekonvensjon, ...). Kept by the national lead."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("local approach")
        verbose_name_plural = _("local approaches")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    """A regional programme round: one region's run of the programme over a period."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        SIGNUP = "signup", _("Open for sign-up")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("region"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    signup_deadline = models.DateField(_("sign-up deadline"), null=True, blank=True)
    local_approaches = models.ManyToManyField(
        LocalApproach, blank=True, related_name="rounds", verbose_name=_("local approaches offered")
    )
    regional_coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="coordinated_rounds",
        verbose_name=_("regional coordinators"),
    )
    competence_partner_organisation = models.CharField(_("competence partner"), max_length=200, blank=True)
    competence_partners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="partner_rounds",
        verbose_name=_("competence partner people"),
    )
    gathering_reminder_hours = models.PositiveSmallIntegerField(
        _("reminder before a samling (hours)"), default=48,
        help_text=_("How long before a samling registered people get a reminder."),
    )
    registration_reminder_days = models.PositiveSmallIntegerField(
        _("reminder before a registration deadline (days)"), default=3,
        help_text=_("Municipal coordinators who have registered nobody are reminded this long before the deadline."),
    )
    assignment_reminder_days = models.CharField(
        _("mellomarbeid reminders (days before due)"), max_length=40, default="7,1",
        help_text=_("Comma-separated, e.g. 7,1 = a week and a day before the due time."),
        validators=[RegexValidator(r"^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$", _("Write whole days separated by commas, e.g. 7,1."))],
    )
    overdue_notice = models.BooleanField(_("overdue notice the day after"), default=True)
    escalation_days = models.PositiveSmallIntegerField(
        _("escalate to the regional coordinator after (days)"), null=True, blank=True, default=3,
        help_text=_("Tell the regional coordinator when work is still missing this many days after due. Empty: never."),
    )
    copy_core_group_on_last_reminder = models.BooleanField(_("copy the core group on the last reminder"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("programme round")
        verbose_name_plural = _("programme rounds")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="round_ends_after_start"),
            models.CheckConstraint(
                condition=Q(signup_deadline__isnull=True) | Q(signup_deadline__lte=F("ends_on")),
                name="round_signup_before_end",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:round_detail", kwargs={"pk": self.pk})

    @property
    def reminder_days(self) -> list[int]:
        return sorted({int(d) for d in self.assignment_reminder_days.replace(" ", "").split(",") if d.isdigit()},
                      reverse=True)

    @property
    def period_label(self) -> str:
        return f"{self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The round cannot end before it starts.")
        if self.signup_deadline and self.ends_on and self.signup_deadline > self.ends_on:
            errors["signup_deadline"] = _("The sign-up deadline must be before the round ends.")
        if errors:
            raise ValidationError(errors)

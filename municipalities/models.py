from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower, Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class County(models.Model):
    """A county (fylke, KLASS 104). Also the unit behind a county municipality (fylkeskommune)."""

    number = models.CharField(_("county number"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=120)
    official_name = models.CharField(_("official name"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class Municipality(models.Model):
    """A municipality (kommune, KLASS 131). Ended municipalities are kept, with ``valid_to`` set, so that
    a programme round that referenced them keeps its history; ``successors`` links a renumbered or split
    municipality to its new number(s)."""

    number = models.CharField(_("municipality number"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=200, help_text=_("Official name, with parallel names."))
    short_name = models.CharField(_("Norwegian name"), max_length=120, blank=True)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="municipalities",
        verbose_name=_("county"),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    administrative_centre = models.CharField(_("administrative centre"), max_length=120, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors", verbose_name=_("continued as")
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.number})"

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    @property
    def size_band(self) -> str:
        """The programme's size bands: under 1 000, 1 000–25 000, 25 000–50 000, over 50 000."""
        p = self.population
        if p is None:
            return ""
        if p < 1000:
            return "< 1 000"
        if p < 25000:
            return "1 000–25 000"
        if p < 50000:
            return "25 000–50 000"
        return "> 50 000"


class RoleCategory(models.TextChoices):
    ELECTED = "elected", _("Elected official (folkevalgt)")
    ADMINISTRATIVE = "administrative", _("Administrative leader")
    SERVICE_LEADER = "service_leader", _("Leader at a school, kindergarten or other service")
    UNION = "union", _("Union representative (tillitsvalgt)")
    YOUTH = "youth", _("Children and youth representative")
    OTHER = "other", _("Other")


# The programme rule on a core group (and on a delegation to a samling, and on a mellomarbeid's contributors):
# both political and administrative leadership take part; a children and youth representative is wanted.
RoleCategory.REQUIRED = (RoleCategory.ELECTED, RoleCategory.ADMINISTRATIVE)
RoleCategory.WANTED = (RoleCategory.YOUTH,)


def covers_required_roles(categories) -> dict[str, bool]:
    """Which of the required role categories occur among ``categories`` (strings): {category: present}."""
    present = set(categories)
    return {category: category in present for category in RoleCategory.REQUIRED}


class ParticipantQuerySet(models.QuerySet):
    """The composition rule as queryset vocabulary: one query for a whole list."""

    def with_composition(self) -> "ParticipantQuerySet":
        """Annotate counts of the active core group per role category (``n_active``, ``n_elected``,
        ``n_administrative``, ``n_youth``), read by ``Participant.composition()``. Subqueries, so that any
        other filter on the core group cannot narrow what is counted."""
        def count(**filters):
            return Coalesce(Subquery(
                CoreGroupMember.objects.filter(participant=OuterRef("pk"), is_active=True, **filters)
                .order_by().values("participant").annotate(n=Count("pk")).values("n")[:1]), 0)

        return self.annotate(
            n_active=count(), n_elected=count(role_category=RoleCategory.ELECTED),
            n_administrative=count(role_category=RoleCategory.ADMINISTRATIVE),
            n_youth=count(role_category=RoleCategory.YOUTH),
        )

    def lacking_required_roles(self) -> "ParticipantQuerySet":
        """Participants whose active core group lacks one of ``RoleCategory.REQUIRED``."""
        missing = Q()
        for category in RoleCategory.REQUIRED:
            missing |= ~Exists(CoreGroupMember.objects.filter(participant=OuterRef("pk"), is_active=True,
                                                            role_category=category))
        return self.filter(missing)


class Participant(models.Model):
    """A municipality or county municipality taking part in a programme round."""

    round = models.ForeignKey(
        "programmes.Round", on_delete=models.CASCADE, related_name="participants", verbose_name=_("round")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="participations",
        verbose_name=_("municipality"),
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="participations",
        verbose_name=_("county municipality"),
    )
    local_approach = models.ForeignKey(
        "programmes.LocalApproach", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("local approach"),
    )
    focus_area = models.TextField(_("local focus area"), blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="coordinated_participants", verbose_name=_("municipal coordinator"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["municipality__short_name", "county__name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(municipality__isnull=False, county__isnull=True)
                           | Q(municipality__isnull=True, county__isnull=False)),
                name="participant_is_municipality_xor_county",
            ),
            models.UniqueConstraint(fields=["round", "municipality"], name="participant_unique_municipality"),
            models.UniqueConstraint(fields=["round", "county"], name="participant_unique_county"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("municipalities:participant_detail", kwargs={"pk": self.pk})

    @property
    def name(self) -> str:
        if self.municipality_id:
            return self.municipality.display_name
        return str(_("%(county)s county municipality") % {"county": self.county.name})

    @property
    def is_county_municipality(self) -> bool:
        return self.county_id is not None

    def composition(self) -> "CoreGroupComposition":
        """Counts per role category of the active core group. Uses the annotations made by
        ``Participant.objects.with_composition()`` when present, so a list costs no extra queries."""
        if hasattr(self, "n_elected"):
            return CoreGroupComposition(
                active=self.n_active, elected=self.n_elected, administrative=self.n_administrative,
                youth=self.n_youth,
            )
        members = [m for m in self.core_group.all() if m.is_active]
        return CoreGroupComposition(
            active=len(members),
            elected=sum(m.role_category == RoleCategory.ELECTED for m in members),
            administrative=sum(m.role_category == RoleCategory.ADMINISTRATIVE for m in members),
            youth=sum(m.role_category == RoleCategory.YOUTH for m in members),
        )


class CoreGroupComposition:
    """The programme rule on a core group, and the warnings it gives."""

    def __init__(self, *, active: int, elected: int, administrative: int, youth: int) -> None:
        self.active, self.elected, self.administrative, self.youth = active, elected, administrative, youth

    @property
    def missing_required(self) -> list[str]:
        """The required role categories (``RoleCategory.REQUIRED``) the active core group lacks."""
        counts = {RoleCategory.ELECTED: self.elected, RoleCategory.ADMINISTRATIVE: self.administrative}
        return [category for category in RoleCategory.REQUIRED if not counts[category]]

    @property
    def meets_rule(self) -> bool:
        return not self.missing_required

    @property
    def warnings(self) -> list[str]:
        out = []
        if self.active == 0:
            out.append(str(_("The core group has no active members yet.")))
        if not self.elected:
            out.append(str(_("No elected official (folkevalgt) in the core group: the programme requires one.")))
        if not self.administrative:
            out.append(str(_("No administrative leader in the core group: the programme requires one.")))
        if not self.youth:
            out.append(str(_("No children and youth representative: the programme wants one.")))
        return out

    @property
    def is_required_missing(self) -> bool:
        return not self.meets_rule


class CoreGroupMember(models.Model):
    """A member of a participant's core group (kjernegruppe)."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="core_group", verbose_name=_("participant")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True, help_text=_("E.g. ordfører, kommunalsjef"))
    role_category = models.CharField(_("role category"), max_length=20, choices=RoleCategory.choices)
    is_active = models.BooleanField(_("active"), default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="core_group_memberships", verbose_name=_("user account"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("core group member")
        verbose_name_plural = _("core group members")
        ordering = ["-is_active", "name"]
        constraints = [
            models.UniqueConstraint(
                "participant", Lower("email"), condition=~Q(email=""), name="core_group_member_unique_email"
            ),
        ]
        # what ``email__iexact`` compares on PostgreSQL (invited to which samlinger, the calendar feed)
        indexes = [models.Index(Upper("email"), name="core_group_member_email_upper")]

    def __str__(self) -> str:
        return self.name

"""Reads about samlinger: who is invited, registrations per participant, attendance per participant."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from absolutt import access
from absolutt.notifications.reminders import languages_of
from municipalities.models import CoreGroupMember, Participant, RoleCategory, covers_required_roles

from .models import Gathering, Registration


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    participant_id: int | None


def invited_people(gathering: Gathering) -> list[Person]:
    """Who a samling is for: every participant's municipal coordinator, and for fellessamlinger and the
    erfaringssamling also every active core group member with an e-mail address."""
    people: dict[str, Person] = {}
    participants = Participant.objects.filter(round_id=gathering.round_id).select_related("coordinator")
    for p in participants:
        if p.coordinator is not None:
            people.setdefault(p.coordinator.email.lower(), Person(p.coordinator.get_full_name(), p.coordinator.email, p.pk))
    if gathering.kind != Gathering.Kind.COORDINATORS:
        members = CoreGroupMember.objects.filter(participant__round_id=gathering.round_id, is_active=True).exclude(email="")
        for m in members:
            people.setdefault(m.email.lower(), Person(m.name, m.email, m.participant_id))
    return list(people.values())


def is_invited(gathering: Gathering, user) -> bool:
    email = user.email.lower()
    if access.coordinated_participants(user).filter(round_id=gathering.round_id).exists():
        return True
    if gathering.kind == Gathering.Kind.COORDINATORS:
        return False
    return CoreGroupMember.objects.filter(
        participant__round_id=gathering.round_id, is_active=True
    ).filter(Q(user=user) | Q(email__iexact=email)).exists()


def language_of(email: str) -> str | None:
    """The preferred language of the user with this address, on the ``lower(email)`` index (``iexact``
    would compare ``UPPER(email)``, which no index covers)."""
    return languages_of([email]).get(email.lower())


def gatherings_for_list(qs: QuerySet[Gathering]) -> QuerySet[Gathering]:
    registered = Q(registrations__status=Registration.Status.REGISTERED)
    return qs.select_related("round__region").annotate(
        n_registered=Count("registrations", filter=registered),
        n_waiting=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITING)),
        n_attended=Count("registrations", filter=registered & Q(registrations__attended=True)),
    ).order_by("starts_at")


def active_registrations(gathering: Gathering) -> QuerySet[Registration]:
    return (
        gathering.registrations.exclude(status=Registration.Status.CANCELLED)
        .select_related("participant__municipality", "participant__county")
        .order_by("participant__municipality__short_name", "participant__county__name", "status", "created_at")
    )


@dataclass
class Delegation:
    participant: Participant
    registrations: list[Registration]
    seats: int | None

    @property
    def registered(self) -> list[Registration]:
        return [r for r in self.registrations if r.status == Registration.Status.REGISTERED]

    @property
    def waiting(self) -> list[Registration]:
        return [r for r in self.registrations if r.status == Registration.Status.WAITING]

    @property
    def seats_left(self) -> int | None:
        return None if self.seats is None else max(self.seats - len(self.registrations), 0)

    @property
    def lacks_elected(self) -> bool:
        return not self._covered[RoleCategory.ELECTED]

    @property
    def lacks_administrative(self) -> bool:
        return not self._covered[RoleCategory.ADMINISTRATIVE]

    @property
    def _covered(self) -> dict[str, bool]:
        """The programme rule on a delegation: the same required roles as on the core group."""
        return covers_required_roles(r.role_category for r in self.registrations)


def delegations(gathering: Gathering, participants: QuerySet[Participant]) -> list[Delegation]:
    """The registrations of each participant the user may see, in two queries."""
    rows = list(participants.select_related("municipality", "county").order_by("municipality__short_name", "county__name"))
    by_participant: dict[int, list[Registration]] = {p.pk: [] for p in rows}
    regs = gathering.registrations.exclude(status=Registration.Status.CANCELLED).filter(
        participant_id__in=list(by_participant)
    ).order_by("created_at", "pk")
    for r in regs:
        by_participant[r.participant_id].append(r)
    return [Delegation(p, by_participant[p.pk], gathering.seats_per_participant) for p in rows]


def waiting_position(registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITING:
        return None
    return registration.gathering.registrations.filter(
        status=Registration.Status.WAITING, created_at__lte=registration.created_at
    ).count()


def attendance_matrix(round_, participants: QuerySet[Participant]):
    """Rows: participants; columns: the round's past samlinger; cells: how many attended. Two queries."""
    gatherings = list(round_.gatherings.order_by("starts_at"))
    people = list(participants.select_related("municipality", "county"))
    counts = (
        Registration.objects.filter(gathering__round=round_, participant__in=people, attended=True)
        .values("participant_id", "gathering_id").annotate(n=Count("pk"))
    )
    cell = {(c["participant_id"], c["gathering_id"]): c["n"] for c in counts}
    rows = [(p, [cell.get((p.pk, g.pk), 0) if g.is_past else None for g in gatherings]) for p in people]
    return gatherings, rows


def feed_gatherings(user, *, with_agenda: bool = True) -> tuple[list[Gathering], set[int]]:
    """Every samling the person is registered for or invited to (not cancelled ones), and the ids of those
    whose video link they may see (registered, or organiser). ``with_agenda``: each samling's agenda read too
    (the calendar feed writes it; Min side does not)."""

    email = user.email.lower()
    registered_ids: set[int] = set()
    waiting_ids: set[int] = set()
    for gathering_id, status in Registration.objects.filter(
            email__iexact=email, status__in=[Registration.Status.REGISTERED, Registration.Status.WAITING]
    ).values_list("gathering_id", "status"):
        (registered_ids if status == Registration.Status.REGISTERED else waiting_ids).add(gathering_id)
    coordinated = access.coordinated_participants(user).values("round_id")
    member_rounds = CoreGroupMember.objects.filter(is_active=True).filter(Q(user=user) | Q(email__iexact=email)).values(
        "participant__round_id")
    managed = access.managed_rounds(user).values("pk")
    qs = Gathering.objects.filter(
        Q(pk__in=registered_ids | waiting_ids)
        | Q(round_id__in=coordinated)
        | Q(round_id__in=member_rounds) & ~Q(kind=Gathering.Kind.COORDINATORS)
        | Q(round_id__in=managed)
    ).select_related("round").order_by("starts_at")
    gatherings = list(qs.prefetch_related("agenda") if with_agenda else qs)
    managed_ids = set(Gathering.objects.filter(round_id__in=managed).values_list("pk", flat=True))
    return gatherings, registered_ids | managed_ids

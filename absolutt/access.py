"""The one place that decides who may see and manage what.

Five roles, each scoped:
- national lead (``User.is_national_lead``): reads everything; keeps programme-wide settings;
- regional coordinator (``Round.regional_coordinators``): full management of their rounds;
- competence partner (``Round.competence_partners``): reads their rounds;
- municipal coordinator (``Participant.coordinator``): manages their participant's core group;
- core group member (an active ``CoreGroupMember.user``): reads their participant.

Every view, queryset, export, download, calendar, template and admin page goes through the functions here;
no other module reads role flags or role memberships to decide (``tests/absolutt/test_access_policy.py`` checks this).

**404 or 403, decided once:** an object outside the user's scope (they may not even know it exists) is a
404; an object the user may see, with a page or action on it that their role does not allow, is a 403. A
page that is not about one object (the national overview) is a 403 for a signed-in user without the role.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from absolutt.accounts.models import Invitation
from absolutt.core import freshness
from interwork.models import Assignment
from municipalities.models import CoreGroupMember, Participant
from programmes.models import Region, Round
from sessions_app.models import Gathering, Registration


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_unrestricted(user) -> bool:
    """Superusers: the full admin (user accounts, the register, the outbox), unscoped."""
    return bool(_active(user) and user.is_superuser)


def is_programme_wide(user) -> bool:
    """The national lead (and superusers) read every region, round and participant."""
    return bool(_active(user) and (user.is_superuser or user.is_national_lead))


_is_programme_wide = is_programme_wide


@dataclass(frozen=True)
class Memberships:
    """What the user is in which round: ids, read in one query."""

    coordinated_rounds: frozenset[int]  # regional coordinator
    partner_rounds: frozenset[int]  # competence partner
    coordinated_participants: frozenset[int]  # municipal coordinator
    member_participants: frozenset[int]  # active core group member
    own_rounds: frozenset[int]  # the rounds of those participants
    member_rounds: frozenset[int]  # the rounds where the user is an active core group member

    @property
    def round_wide(self) -> frozenset[int]:
        """Rounds where the user sees every participant (coordinator or competence partner)."""
        return self.coordinated_rounds | self.partner_rounds

    @property
    def own_participants(self) -> frozenset[int]:
        return self.coordinated_participants | self.member_participants


NO_MEMBERSHIPS = Memberships(*[frozenset()] * 6)


def memberships(user) -> Memberships:
    """The user's role memberships, in one query. Kept on the user object (in a web request: for that request)
    until anything is written in this process (``freshness.generation``), so the decisions of one request ask
    the database once."""
    if not _active(user):
        return NO_MEMBERSHIPS
    kept = getattr(user, "_absolutt_memberships", None)
    if kept is not None and kept[0] == freshness.generation():
        return kept[1]
    generation = freshness.generation()
    found: dict[str, set[int]] = {"c": set(), "p": set(), "m": set(), "g": set(), "own": set(), "g-rounds": set()}
    with connection.cursor() as cursor:
        cursor.execute(_memberships_sql(), [user.pk] * 4)
        for kind, round_id, participant_id in cursor.fetchall():
            found[kind].add(participant_id if kind in "mg" else round_id)
            if kind in "mg":
                found["own"].add(round_id)
            if kind == "g":
                found["g-rounds"].add(round_id)
    result = Memberships(*(frozenset(found[k]) for k in ("c", "p", "m", "g", "own", "g-rounds")))
    user._absolutt_memberships = (generation, result)
    return result


@functools.cache
def _memberships_sql() -> str:
    """One statement for the four kinds of membership (plain SQL: it runs on nearly every request, and the
    ORM's union of four querysets costs more to build than to run). Rows: (kind, round id, participant id)."""
    q = connection.ops.quote_name

    def table(model) -> str:
        return q(model._meta.db_table)

    def col(model, name: str) -> str:
        return q(model._meta.get_field(name).column)

    coord, partner = Round.regional_coordinators.through, Round.competence_partners.through
    return " UNION ALL ".join([
        f"SELECT 'c', {col(coord, 'round')}, CAST(NULL AS BIGINT) FROM {table(coord)} WHERE {col(coord, 'user')} = %s",
        f"SELECT 'p', {col(partner, 'round')}, CAST(NULL AS BIGINT) FROM {table(partner)} WHERE {col(partner, 'user')} = %s",
        f"SELECT 'm', {col(Participant, 'round')}, {col(Participant, 'id')} FROM {table(Participant)} "
        f"WHERE {col(Participant, 'coordinator')} = %s",
        f"SELECT 'g', p.{col(Participant, 'round')}, p.{col(Participant, 'id')} FROM {table(CoreGroupMember)} g "
        f"JOIN {table(Participant)} p ON p.{col(Participant, 'id')} = g.{col(CoreGroupMember, 'participant')} "
        f"WHERE g.{col(CoreGroupMember, 'user')} = %s AND g.{col(CoreGroupMember, 'is_active')}",
    ])


def requires_second_factor(user) -> bool:
    """The national lead, regional coordinators and superusers must sign in with two factors (TOTP)."""
    if not _active(user):
        return False
    if user.is_superuser or user.is_national_lead:
        return True
    return bool(memberships(user).coordinated_rounds)


# --- Scoped querysets -------------------------------------------------------------------------

def managed_rounds(user) -> QuerySet[Round]:
    if not (user.is_authenticated and user.is_active):
        return Round.objects.none()
    if user.is_superuser:
        return Round.objects.all()
    return Round.objects.filter(pk__in=sorted(memberships(user).coordinated_rounds))


def visible_rounds(user) -> QuerySet[Round]:
    if not (user.is_authenticated and user.is_active):
        return Round.objects.none()
    if _is_programme_wide(user):
        return Round.objects.all()
    m = memberships(user)
    return Round.objects.filter(pk__in=sorted(m.round_wide | m.own_rounds))


def visible_participants(user) -> QuerySet[Participant]:
    if not (user.is_authenticated and user.is_active):
        return Participant.objects.none()
    if _is_programme_wide(user):
        return Participant.objects.all()
    m = memberships(user)
    return Participant.objects.filter(Q(round_id__in=sorted(m.round_wide)) | Q(pk__in=sorted(m.own_participants)))


def sees_every_participant(user, round_: Round) -> bool:
    """Whether ``visible_participants(user)`` holds every participant of the round (programme-wide, or the
    round's coordinator or competence partner): then what a page shows of the round's participants is the same
    for all such viewers (a cached fragment's scope, without listing them)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return _is_programme_wide(user) or round_.pk in memberships(user).round_wide


def visible_regions(user) -> QuerySet[Region]:
    if _is_programme_wide(user):
        return Region.objects.all()
    return Region.objects.filter(pk__in=visible_rounds(user).values("region_id"))


def visible_core_group_members(user) -> QuerySet[CoreGroupMember]:
    return CoreGroupMember.objects.filter(participant__in=visible_participants(user))


# --- Decisions on one object --------------------------------------------------------------------

def can_manage_round(user, round_: Round) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return round_.pk in memberships(user).coordinated_rounds


def can_manage_core_group(user, participant: Participant) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return participant.coordinator_id == user.pk or can_manage_round(user, participant.round)


def can_invite(user, participant: Participant, role: str) -> bool:
    """Regional coordinators invite municipal coordinators and core group members; a municipal coordinator
    may invite members of their own core group."""
    if can_manage_round(user, participant.round):
        return True
    return role == Invitation.Role.CORE_GROUP_MEMBER and participant.coordinator_id == user.pk


def can_manage_programme_settings(user) -> bool:
    return _is_programme_wide(user)


# --- Fetch-and-authorize helpers: 404 outside the scope, 403 for read-only -----------------------

def get_region_for_user(user, slug: str) -> Region:
    try:
        return visible_regions(user).get(slug=slug)
    except Region.DoesNotExist:
        raise Http404 from None


def get_round_for_user(user, pk: int, *, manage: bool = False) -> Round:
    try:
        round_ = visible_rounds(user).select_related("region").get(pk=pk)
    except Round.DoesNotExist:
        raise Http404 from None
    if manage and not can_manage_round(user, round_):
        raise PermissionDenied
    return round_


def get_participant_for_user(user, pk: int, *, manage_core_group: bool = False) -> Participant:
    try:
        participant = (
            visible_participants(user)
            .select_related("round__region", "municipality", "county", "coordinator", "local_approach")
            .get(pk=pk)
        )
    except Participant.DoesNotExist:
        raise Http404 from None
    if manage_core_group and not can_manage_core_group(user, participant):
        raise PermissionDenied
    return participant


def get_core_group_member_for_user(user, participant: Participant, pk: int) -> CoreGroupMember:
    """A member of a participant already fetched for management."""
    try:
        return participant.core_group.get(pk=pk)
    except CoreGroupMember.DoesNotExist:
        raise Http404 from None


# --- What the user is, for "Min side" and the navigation -----------------------------------------

@dataclass(frozen=True)
class Roles:
    national_lead: bool
    regional_coordinator: bool
    competence_partner: bool
    municipal_coordinator: bool
    core_group_member: bool

    @property
    def any(self) -> bool:
        return any(vars(self).values())


def roles_of(user) -> Roles:
    if not (user.is_authenticated and user.is_active):
        return Roles(False, False, False, False, False)
    m = memberships(user)
    return Roles(
        national_lead=bool(user.is_national_lead),
        regional_coordinator=bool(m.coordinated_rounds),
        competence_partner=bool(m.partner_rounds),
        municipal_coordinator=bool(m.coordinated_participants),
        core_group_member=bool(m.member_participants),
    )


# --- Samlinger ----------------------------------------------------------------------------------

def visible_gatherings(user):
    return Gathering.objects.filter(round__in=visible_rounds(user))


def get_gathering_for_user(user, pk: int, *, manage: bool = False):
    try:
        gathering = visible_gatherings(user).select_related("round__region").get(pk=pk)
    except Gathering.DoesNotExist:
        raise Http404 from None
    if manage and not can_manage_round(user, gathering.round):
        raise PermissionDenied
    return gathering


def registrable_participants(user, gathering, *, manages_round: bool | None = None) -> QuerySet[Participant]:
    """Participants for whom the user may register anybody: all in the round for its coordinators, their
    own for a municipal coordinator. ``manages_round``: ``can_manage_round`` when already asked."""
    qs = Participant.objects.filter(round_id=gathering.round_id)
    if manages_round if manages_round is not None else can_manage_round(user, gathering.round):
        return qs
    return qs.filter(coordinator_id=user.pk)


def is_core_group_member_in(user, round_id: int) -> bool:
    """Whether the user sits (actively) in the core group of a participant of the round."""
    return round_id in memberships(user).member_rounds


def own_core_group_rows(user, gathering) -> QuerySet[CoreGroupMember]:
    """The user's own active core group rows in the gathering's round (to register themself)."""
    return CoreGroupMember.objects.filter(participant__round_id=gathering.round_id, user_id=user.pk, is_active=True)


def get_registration_for_user(user, gathering, pk: int, *, change: bool = False):
    """A registration the user may see (their participants'); ``change`` also requires being its
    municipal coordinator, a coordinator of the round, or the registered person."""
    try:
        registration = Registration.objects.select_related("participant").get(
            pk=pk, gathering=gathering, participant__in=visible_participants(user)
        )
    except Registration.DoesNotExist:
        raise Http404 from None
    if change and not can_change_registration(user, registration, manages_round=can_manage_round(user, gathering.round)):
        raise PermissionDenied
    return registration


# --- Mellomarbeid -------------------------------------------------------------------------------

def can_review(user, round_: Round, *, manages_round: bool | None = None) -> bool:
    """Regional coordinators and the round's competence partners give feedback, return and approve.
    ``manages_round``: ``can_manage_round`` when the caller has asked it already (one query less)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if manages_round is None:
        manages_round = can_manage_round(user, round_)
    return manages_round or round_.pk in memberships(user).partner_rounds


def can_see_round_results(user, round_: Round, *, manages_round: bool | None = None) -> bool:
    """Progress, mellomarbeid exports, evaluation results and every municipality's delegation for a round:
    its reviewers (regional coordinators, competence partners) and the programme-wide roles."""
    return is_programme_wide(user) or can_review(user, round_, manages_round=manages_round)


def is_participant_coordinator(user, participant: Participant) -> bool:
    return bool(_active(user) and participant.coordinator_id == user.pk)


def can_see_participant_progress(user, participant: Participant, *, sees_round_results: bool | None = None) -> bool:
    """A participant's progress page: as the round's results, plus the participant's own coordinator.
    ``sees_round_results``: ``can_see_round_results`` when already asked."""
    if sees_round_results is None:
        sees_round_results = can_see_round_results(user, participant.round)
    return sees_round_results or is_participant_coordinator(user, participant)


def can_see_national(user) -> bool:
    return is_programme_wide(user)


def can_change_registration(user, registration, *, manages_round: bool) -> bool:
    """Cancel or change one registration: the round's coordinators (``manages_round``, asked once per page),
    the participant's municipal coordinator, or the registered person."""
    if not _active(user):
        return False
    return manages_round or registration.participant.coordinator_id == user.pk or registration.user_id == user.pk


def can_edit_submission(user, participant: Participant) -> bool:
    """The municipal coordinator and active core group members with a login write the draft."""
    if not (user.is_authenticated and user.is_active):
        return False
    return participant.coordinator_id == user.pk or participant.pk in memberships(user).member_participants


def can_deliver(user, participant: Participant) -> bool:
    return bool(user.is_authenticated and participant.coordinator_id == user.pk)


def get_assignment_for_user(user, pk: int, *, manage: bool = False):
    try:
        assignment = Assignment.objects.select_related("round__region", "given_after", "due_before").get(
            pk=pk, round__in=visible_rounds(user))
    except Assignment.DoesNotExist:
        raise Http404 from None
    if manage and not can_manage_round(user, assignment.round):
        raise PermissionDenied
    return assignment


# --- Role memberships other modules need (they never query the memberships themselves) ---------------

def coordinated_rounds(user) -> QuerySet[Round]:
    """Rounds where the user is a regional coordinator (a membership, whatever else the user may be)."""
    if not _active(user):
        return Round.objects.none()
    return Round.objects.filter(pk__in=sorted(memberships(user).coordinated_rounds))


def partner_rounds(user) -> QuerySet[Round]:
    """Rounds where the user is a competence partner."""
    if not _active(user):
        return Round.objects.none()
    return Round.objects.filter(pk__in=sorted(memberships(user).partner_rounds))


def own_participants(user) -> QuerySet[Participant]:
    """Participants the user belongs to: as their municipal coordinator or an active core group member."""
    if not _active(user):
        return Participant.objects.none()
    return Participant.objects.filter(pk__in=sorted(memberships(user).own_participants))


def coordinated_participants(user) -> QuerySet[Participant]:
    """Participants whose municipal coordinator the user is."""
    if not _active(user):
        return Participant.objects.none()
    return Participant.objects.filter(coordinator_id=user.pk)


def regional_coordinators_of(rounds: QuerySet[Round]):
    """The users who coordinate any of ``rounds`` (for digests and escalations)."""
    return get_user_model().objects.filter(
        is_active=True,
        pk__in=Round.regional_coordinators.through.objects.filter(round__in=rounds).values("user_id"),
    )


# --- What an admin form may point at: the scope for every foreign key and many-to-many field --------------
# A non-superuser in the admin may link an object only to objects inside the rounds they manage. The scope of
# a model is found from its foreign keys: the shortest chain to a Round (``participant__round``,
# ``gathering__round``...) — so a model added next year is scoped without anyone remembering to. Shared
# reference data (the municipality register, the catalogue of local approaches) may be linked by anyone
# who may change the object; user accounts are those connected to the managed rounds. Anything else is
# refused (fail closed).

SHARED_REFERENCE_MODELS = {"municipalities.municipality", "municipalities.county", "programmes.localapproach"}


def _round_paths(model, depth: int = 3) -> list[str]:
    """Every forward foreign-key path from ``model`` to Round, shortest first, at most ``depth`` steps."""
    if model is Round:
        return ["pk"]
    paths, frontier = [], [("", model)]
    for _ in range(depth):
        next_frontier = []
        for prefix, m in frontier:
            for field in m._meta.get_fields():
                if not (field.many_to_one or field.one_to_one) or not field.concrete or field.related_model is None:
                    continue
                path = f"{prefix}{field.name}"
                if field.related_model is Round:
                    paths.append(path)
                else:
                    next_frontier.append((f"{path}__", field.related_model))
        if paths:
            return paths
        frontier = next_frontier
    return paths


def linkable_users(user):
    """Accounts a regional coordinator may pick: the people of the rounds they manage, and themself."""
    User = get_user_model()
    rounds = managed_rounds(user)
    through_coord = Round.regional_coordinators.through.objects.filter(round__in=rounds).values("user_id")
    through_partner = Round.competence_partners.through.objects.filter(round__in=rounds).values("user_id")
    coordinators = Participant.objects.filter(round__in=rounds, coordinator__isnull=False).values("coordinator_id")
    members = CoreGroupMember.objects.filter(participant__round__in=rounds, user__isnull=False).values("user_id")
    return User.objects.filter(
        Q(pk=user.pk) | Q(pk__in=through_coord) | Q(pk__in=through_partner) | Q(pk__in=coordinators)
        | Q(pk__in=members)
    )


def linkable(user, model) -> QuerySet:
    """The objects of ``model`` that ``user`` may point a foreign key or many-to-many field at in the admin."""
    qs = model._default_manager.all()
    if is_unrestricted(user):
        return qs
    if not _active(user):
        return qs.none()
    if model._meta.label_lower in SHARED_REFERENCE_MODELS:
        return qs
    if model is get_user_model():
        return linkable_users(user)
    if model is Region:
        return qs.filter(pk__in=managed_rounds(user).values("region_id"))
    paths = _round_paths(model)
    if not paths:
        return qs.none()
    rounds = managed_rounds(user).values("pk")
    for path in paths:  # every path must lead into the managed rounds
        qs = qs.filter(**{f"{path}__in": rounds})
    return qs

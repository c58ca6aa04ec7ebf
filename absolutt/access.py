"""The one place that decides who may see and manage what.

Five roles, each scoped:
- national lead (``User.is_national_lead``): reads everything; keeps programme-wide settings;
- regional coordinator (``Round.regional_coordinators``): full management of their rounds;
- competence partner (``Round.competence_partners``): reads their rounds;
- municipal coordinator (``Participant.coordinator``): manages their participant's core group;
- core group member (an active ``CoreGroupMember.user``): reads their participant.

Every view, queryset and admin page goes through the functions here. The fetch helpers follow one rule:
an object outside the user's scope is a 404 (its existence is not revealed); an object the user may see
but not change is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from municipalities.models import CoreGroupMember, Participant
from programmes.models import Region, Round


def _is_programme_wide(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.is_national_lead))


# --- Scoped querysets -------------------------------------------------------------------------

def managed_rounds(user) -> QuerySet[Round]:
    if not (user.is_authenticated and user.is_active):
        return Round.objects.none()
    if user.is_superuser:
        return Round.objects.all()
    return Round.objects.filter(
        pk__in=Round.regional_coordinators.through.objects.filter(user_id=user.pk).values("round_id")
    )


def visible_rounds(user) -> QuerySet[Round]:
    if not (user.is_authenticated and user.is_active):
        return Round.objects.none()
    if _is_programme_wide(user):
        return Round.objects.all()
    through_coord = Round.regional_coordinators.through.objects.filter(user_id=user.pk).values("round_id")
    through_partner = Round.competence_partners.through.objects.filter(user_id=user.pk).values("round_id")
    own_participants = Participant.objects.filter(_own_participant_q(user)).values("round_id")
    return Round.objects.filter(
        Q(pk__in=through_coord) | Q(pk__in=through_partner) | Q(pk__in=own_participants)
    )


def _own_participant_q(user) -> Q:
    member_of = CoreGroupMember.objects.filter(user_id=user.pk, is_active=True).values("participant_id")
    return Q(coordinator_id=user.pk) | Q(pk__in=member_of)


def _round_wide_round_ids(user):
    """Rounds where the user sees every participant (coordinator or competence partner)."""
    through_coord = Round.regional_coordinators.through.objects.filter(user_id=user.pk).values("round_id")
    through_partner = Round.competence_partners.through.objects.filter(user_id=user.pk).values("round_id")
    return Q(round_id__in=through_coord) | Q(round_id__in=through_partner)


def visible_participants(user) -> QuerySet[Participant]:
    if not (user.is_authenticated and user.is_active):
        return Participant.objects.none()
    if _is_programme_wide(user):
        return Participant.objects.all()
    return Participant.objects.filter(_round_wide_round_ids(user) | _own_participant_q(user))


def visible_regions(user) -> QuerySet[Region]:
    if _is_programme_wide(user):
        return Region.objects.all()
    return Region.objects.filter(pk__in=visible_rounds(user).values("region_id"))


def visible_core_group_members(user) -> QuerySet[CoreGroupMember]:
    return CoreGroupMember.objects.filter(participant__in=visible_participants(user))


# --- Decisions on one object --------------------------------------------------------------------

def can_manage_round(user, round_: Round) -> bool:
    return managed_rounds(user).filter(pk=round_.pk).exists()


def can_manage_core_group(user, participant: Participant) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return participant.coordinator_id == user.pk or can_manage_round(user, participant.round)


def can_invite(user, participant: Participant, role: str) -> bool:
    """Regional coordinators invite municipal coordinators and core group members; a municipal coordinator
    may invite members of their own core group."""
    from absolutt.accounts.models import Invitation

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
    return Roles(
        national_lead=bool(user.is_national_lead),
        regional_coordinator=Round.regional_coordinators.through.objects.filter(user_id=user.pk).exists(),
        competence_partner=Round.competence_partners.through.objects.filter(user_id=user.pk).exists(),
        municipal_coordinator=Participant.objects.filter(coordinator_id=user.pk).exists(),
        core_group_member=CoreGroupMember.objects.filter(user_id=user.pk, is_active=True).exists(),
    )


# --- Samlinger ----------------------------------------------------------------------------------

def visible_gatherings(user):
    from sessions_app.models import Gathering

    return Gathering.objects.filter(round__in=visible_rounds(user))


def get_gathering_for_user(user, pk: int, *, manage: bool = False):
    from sessions_app.models import Gathering

    try:
        gathering = visible_gatherings(user).select_related("round__region").get(pk=pk)
    except Gathering.DoesNotExist:
        raise Http404 from None
    if manage and not can_manage_round(user, gathering.round):
        raise PermissionDenied
    return gathering


def registrable_participants(user, gathering) -> QuerySet[Participant]:
    """Participants for whom the user may register anybody: all in the round for its coordinators, their
    own for a municipal coordinator."""
    qs = Participant.objects.filter(round_id=gathering.round_id)
    if can_manage_round(user, gathering.round):
        return qs
    return qs.filter(coordinator_id=user.pk)


def own_core_group_rows(user, gathering) -> QuerySet[CoreGroupMember]:
    """The user's own active core group rows in the gathering's round (to register themself)."""
    return CoreGroupMember.objects.filter(participant__round_id=gathering.round_id, user_id=user.pk, is_active=True)


def get_registration_for_user(user, gathering, pk: int, *, change: bool = False):
    """A registration the user may see (their participants'); ``change`` also requires being its
    municipal coordinator, a coordinator of the round, or the registered person."""
    from sessions_app.models import Registration

    try:
        registration = Registration.objects.select_related("participant").get(
            pk=pk, gathering=gathering, participant__in=visible_participants(user)
        )
    except Registration.DoesNotExist:
        raise Http404 from None
    if change and not (
        can_manage_round(user, gathering.round)
        or registration.participant.coordinator_id == user.pk
        or registration.user_id == user.pk
    ):
        raise PermissionDenied
    return registration


# --- Mellomarbeid -------------------------------------------------------------------------------

def can_review(user, round_: Round) -> bool:
    """Regional coordinators and the round's competence partners give feedback, return and approve."""
    if not (user.is_authenticated and user.is_active):
        return False
    return can_manage_round(user, round_) or round_.competence_partners.filter(pk=user.pk).exists()


def can_edit_submission(user, participant: Participant) -> bool:
    """The municipal coordinator and active core group members with a login write the draft."""
    if not (user.is_authenticated and user.is_active):
        return False
    return participant.coordinator_id == user.pk or participant.core_group.filter(user_id=user.pk, is_active=True).exists()


def can_deliver(user, participant: Participant) -> bool:
    return bool(user.is_authenticated and participant.coordinator_id == user.pk)


def get_assignment_for_user(user, pk: int, *, manage: bool = False):
    from interwork.models import Assignment

    try:
        assignment = Assignment.objects.select_related("round__region", "given_after", "due_before").get(
            pk=pk, round__in=visible_rounds(user))
    except Assignment.DoesNotExist:
        raise Http404 from None
    if manage and not can_manage_round(user, assignment.round):
        raise PermissionDenied
    return assignment

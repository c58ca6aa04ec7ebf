from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from .models import CoreGroupMember, Participant, RoleCategory


def participants_with_composition(qs: QuerySet[Participant]) -> QuerySet[Participant]:
    """Annotate the active core group's composition, so that warnings for a whole list cost one query."""
    active = Q(core_group__is_active=True)
    return qs.select_related("municipality", "county", "coordinator", "local_approach").annotate(
        n_active=Count("core_group", filter=active, distinct=True),
        n_elected=Count("core_group", filter=active & Q(core_group__role_category=RoleCategory.ELECTED), distinct=True),
        n_administrative=Count(
            "core_group", filter=active & Q(core_group__role_category=RoleCategory.ADMINISTRATIVE), distinct=True
        ),
        n_youth=Count("core_group", filter=active & Q(core_group__role_category=RoleCategory.YOUTH), distinct=True),
    )


def participants_lacking_required_roles(round_ref) -> QuerySet[Participant]:
    """Participants of a round (an id or OuterRef) whose active core group lacks an elected official or an
    administrative leader."""

    def has(category: str):
        return Exists(
            CoreGroupMember.objects.filter(participant=OuterRef("pk"), is_active=True, role_category=category)
        )

    return Participant.objects.filter(round=round_ref).filter(
        ~has(RoleCategory.ELECTED) | ~has(RoleCategory.ADMINISTRATIVE)
    )

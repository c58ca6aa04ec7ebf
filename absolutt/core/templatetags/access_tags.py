"""Templates ask the access policy too: these tags are thin names for ``absolutt.access`` decisions."""

from django import template

from absolutt import access

register = template.Library()


@register.filter
def coordinated_by(participant, user) -> bool:
    """``{% if p|coordinated_by:user %}``: the user is the participant's municipal coordinator."""
    return access.is_participant_coordinator(user, participant)


@register.simple_tag(takes_context=True)
def may_change_registration(context, registration, manages_round) -> bool:
    """``{% may_change_registration r can_manage as ok %}``"""
    return access.can_change_registration(context["user"], registration, manages_round=bool(manages_round))

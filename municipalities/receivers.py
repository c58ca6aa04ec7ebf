"""Participants reacting to the platform below them."""

from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils.translation import gettext as _

from absolutt.accounts.events import invitation_accepted
from absolutt.accounts.models import Invitation

from .models import Participant


@receiver(invitation_accepted)
def give_the_invited_role(sender, invitation, user, **kwargs) -> None:
    """An accepted invitation makes the person the participant's municipal coordinator, or links them to their
    row in its core group (which must exist)."""
    participant = Participant.objects.select_for_update().get(pk=invitation.participant_id)
    if invitation.role == Invitation.Role.MUNICIPAL_COORDINATOR:
        participant.coordinator = user
        participant.save(update_fields=["coordinator"])
        return
    member = invitation.core_group_member or participant.core_group.filter(email__iexact=user.email).first()
    if member is None:
        raise ValidationError(_("Add the person to the core group before inviting them."))
    member.user = user
    member.is_active = True
    member.save(update_fields=["user", "is_active", "updated_at"])

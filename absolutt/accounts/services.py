"""Writes about people: invitations and accepting them."""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from absolutt.notifications.models import OutgoingEmail
from absolutt.notifications.selectors import email_about_id
from absolutt.notifications.services import email_enqueue_template

from .events import invitation_accepted
from .models import Invitation, User

if TYPE_CHECKING:  # the platform names the domain's types, never imports its code
    from municipalities.models import CoreGroupMember, Participant


@transaction.atomic
def invitation_create(
    *, participant: "Participant", email: str, full_name: str, role: str, invited_by: User,
    core_group_member: "CoreGroupMember | None" = None, request_key: str = "",
) -> Invitation:
    """Invite a person to a participant as municipal coordinator or core group member and e-mail the
    link (through the outbox, after commit). An earlier open invitation for the same person and role is
    revoked, so only the newest link works.

    ``request_key`` (the form's own key) makes the call idempotent: sending the same form again (a retry
    after an error, a double click) returns the invitation it made and sends nothing."""
    email = email.strip().lower()
    dedupe_key = f"invitation:{request_key}:{role}:{email}" if request_key else None
    if dedupe_key and (earlier := _invitation_sent_for(dedupe_key)) is not None:
        return earlier
    if role not in Invitation.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if core_group_member is not None and core_group_member.participant_id != participant.pk:
        raise ValidationError({"core_group_member": _("That person is not in this core group.")})
    Invitation.objects.filter(
        participant=participant, email__iexact=email, role=role, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(
        participant=participant, email=email, full_name=full_name.strip(), role=role, invited_by=invited_by,
        core_group_member=core_group_member,
    )
    row = email_enqueue_template(
        to=email, dedupe_key=dedupe_key or f"invitation:{invitation.pk}", kind=OutgoingEmail.Kind.INVITATION,
        about=invitation,
        template="emails/invitation",
        context={
            "invitation": invitation,
            "participant_name": participant.name,
            "round_title": participant.round.title,
            "inviter": invited_by.get_full_name(),
            "role_label": invitation.get_role_display(),
            "accept_path": reverse("accounts:invitation_accept", kwargs={"token": invitation.token}),
        },
    )
    if row is None and dedupe_key:  # the same form, sent again at the same moment: keep the first invitation
        transaction.set_rollback(True)
        return _invitation_sent_for(dedupe_key) or invitation
    return invitation


def _invitation_sent_for(dedupe_key: str) -> Invitation | None:
    pk = email_about_id(dedupe_key=dedupe_key, model=Invitation)
    return None if pk is None else Invitation.objects.filter(pk=pk).first()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> None:
    """Give ``user`` the role the invitation names. Idempotent; refuses used, revoked or expired
    invitations and invitations for another e-mail address."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        if invitation.accepted_by_id == user.pk:
            return
        raise ValidationError(_("This invitation has already been used."))
    if not invitation.is_usable:
        raise ValidationError(_("This invitation has expired or was withdrawn. Ask for a new one."))
    if invitation.email.lower() != user.email.lower():
        raise ValidationError(_("This invitation was sent to another e-mail address."))
    if not user.full_name and invitation.full_name:
        user.full_name = invitation.full_name
        user.save(update_fields=["full_name"])
    # The participant's app gives the role (municipalities.receivers); it may refuse with a ValidationError.
    invitation_accepted.send(sender=Invitation, invitation=invitation, user=user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])


def invitation_revoke(*, invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(revoked_at=timezone.now())

"""Hooks from allauth: accepting an invitation when its invitee signs up."""

from allauth.account.signals import user_signed_up
from django.dispatch import receiver

from . import selectors, services
from .adapter import INVITATION_SESSION_KEY


@receiver(user_signed_up)
def accept_invitation_on_signup(sender, request, user, **kwargs) -> None:
    token = request.session.pop(INVITATION_SESSION_KEY, None) if request is not None else None
    invitation = selectors.usable_invitation(token=token) if token else None
    if invitation is not None:
        services.invitation_accept(invitation=invitation, user=user)

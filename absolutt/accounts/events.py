"""Signals the accounts send, for the apps above them to react to (the platform never imports the domain)."""

from django.dispatch import Signal

# Sent inside the transaction that accepts an invitation, with ``invitation`` and ``user``: the participant's
# app gives the role the invitation names (municipalities.receivers) and may refuse with a ValidationError.
invitation_accepted = Signal()

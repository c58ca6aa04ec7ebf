"""Hooks for the apps above samlinger (they react; samlinger never import them)."""

from django.dispatch import Signal

# Sent inside the transaction that moved a samling (new start or end time), with ``gathering``.
gathering_moved = Signal()

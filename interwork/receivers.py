"""Mellomarbeid reacting to the layers below it."""

from django.dispatch import receiver

from sessions_app.signals import gathering_moved

from .services import assignments_follow_gathering


@receiver(gathering_moved)
def due_times_follow_moved_samling(sender, gathering, **kwargs) -> None:
    """Due times set relative to a samling follow it when it moves."""
    assignments_follow_gathering(gathering=gathering)

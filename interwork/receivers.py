"""Mellomarbeid reacting to the layers below it."""

from django.conf import settings
from django.dispatch import receiver

from sessions_app import ical
from sessions_app.signals import calendar_feed_events, gathering_moved

from .selectors import feed_deadlines
from .services import assignments_follow_gathering


@receiver(gathering_moved)
def due_times_follow_moved_samling(sender, gathering, **kwargs) -> None:
    """Due times set relative to a samling follow it when it moves."""
    assignments_follow_gathering(gathering=gathering)


@receiver(calendar_feed_events)
def deadlines_in_the_calendar_feed(sender, user, **kwargs) -> list:
    """The person's mellomarbeid deadlines in their personal calendar feed."""
    site = settings.SITE_URL.rstrip("/")
    return [ical.deadline_event(uid=f"frist-{a.pk}@absolutt.ks.no", title=a.title, round_title=a.round.title,
                                due=a.due_at, url=site + a.get_absolute_url()) for a in feed_deadlines(user)]

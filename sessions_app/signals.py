"""Hooks for the apps above samlinger (they react; samlinger never import them)."""

from django.dispatch import Signal

# Sent inside the transaction that moved a samling (new start or end time), with ``gathering``.
gathering_moved = Signal()

# Sent when a person's calendar feed is built, with ``user``; each receiver returns the icalendar events it adds
# for that person (a list of ``icalendar.Event``, e.g. ``sessions_app.ical.deadline_event(...)``).
calendar_feed_events = Signal()

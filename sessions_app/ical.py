"""iCalendar (RFC 5545) for samlinger, built with the ``icalendar`` package. Times are written in
Europe/Oslo with a VTIMEZONE, so they stay right across daylight-saving changes; UIDs are stable and the
SEQUENCE goes up when a samling moves, so calendar programs update the event instead of adding another."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Gathering

OSLO = ZoneInfo("Europe/Oslo")


def _description(gathering: Gathering, *, with_video: bool) -> str:
    lines = []
    if gathering.theme_question:
        lines.append(f"«{gathering.theme_question}»")
    if gathering.description:
        lines.append(gathering.description)
    agenda = list(gathering.agenda.all())
    if agenda:
        lines.append("")
        lines.extend(f"{timezone.localtime(i.starts_at, OSLO):%H:%M} {i.title}" + (f" – {i.speaker}" if i.speaker else "")
                     for i in agenda)
    if with_video and gathering.video_link:
        lines.extend(["", gathering.video_link])
    lines.extend(["", settings.SITE_URL.rstrip("/") + gathering.get_absolute_url()])
    return "\n".join(lines)


def gathering_event(gathering: Gathering, *, with_video: bool) -> Event:
    event = Event()
    event.add("uid", gathering.ical_uid)
    event.add("sequence", gathering.sequence)
    event.add("dtstamp", timezone.now())
    event.add("last-modified", gathering.updated_at)
    event.add("dtstart", timezone.localtime(gathering.starts_at, OSLO))
    event.add("dtend", timezone.localtime(gathering.ends_at, OSLO))
    event.add("summary", f"{gathering.title} ({gathering.round.title})")
    event.add("description", _description(gathering, with_video=with_video))
    location = gathering.venue or (gathering.video_link if with_video else "") or gathering.get_format_display()
    event.add("location", location)
    event.add("url", settings.SITE_URL.rstrip("/") + gathering.get_absolute_url())
    return event


def calendar_for(gatherings: Iterable[Gathering], *, name: str, video_for: set[int] = frozenset()) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//KS//Absolutt//NO")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Oslo")
    for g in gatherings:
        cal.add_component(gathering_event(g, with_video=g.pk in video_for))
    cal.add_missing_timezones()
    return cal.to_ical()

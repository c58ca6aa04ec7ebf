"""iCalendar (RFC 5545) for samlinger and mellomarbeid deadlines, built with the ``icalendar`` package. Times
are written in Europe/Oslo with a VTIMEZONE, so they stay right across daylight-saving changes; UIDs are stable
and the SEQUENCE goes up when a samling moves, so calendar programs update the event instead of adding
another.

The VTIMEZONE repeats by rule (RRULE), as the major calendar servers write it, rather than listing every change
as RDATEs: some parsers (ical.js, behind many web calendars) misread RDATE lists and put summer times an hour
off. The rule is the EU's since 1996; a test checks it against the tz database day by day."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vText

from .models import Gathering

OSLO = ZoneInfo("Europe/Oslo")

OSLO_VTIMEZONE = "\r\n".join([
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Oslo",
    "X-LIC-LOCATION:Europe/Oslo",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
    "",
])

# A deadline shows as the half hour before it, ending at the due time.
DEADLINE_LENGTH = timedelta(minutes=30)


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


def deadline_event(*, uid: str, title: str, round_title: str, due, url: str) -> Event:
    """A deadline (of mellomarbeid, say): the half hour up to the due time."""
    due = timezone.localtime(due, OSLO)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", due - DEADLINE_LENGTH)
    event.add("dtend", due)
    event.add("summary", _("Deadline: %(title)s (%(round)s)") % {"title": title, "round": round_title})
    event.add("description", "\n".join([_("Mellomarbeid due %(when)s.") % {"when": f"{due:%d.%m.%Y %H:%M}"}, "", url]))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def calendar_for(gatherings: Iterable[Gathering], *, name: str, video_for: set[int] = frozenset(),
                 events: Iterable[Event] = ()) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//KS//Absolutt//NO")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", vText(name))  # vText escapes a newline in a samling's title
    cal.add("x-wr-timezone", "Europe/Oslo")
    cal.add_component(Timezone.from_ical(OSLO_VTIMEZONE))
    for g in gatherings:
        cal.add_component(gathering_event(g, with_video=g.pk in video_for))
    for event in events:
        cal.add_component(event)
    return cal.to_ical()

"""Samling reminders, found by a periodic sweep (beat) rather than far-future ETA tasks (STYLE.md,
"Background work").

Each reminder is an outbox row (``absolutt.notifications``) whose unique ``dedupe_key`` names the
occasion and the person: that row is the stored "this person was reminded of this occasion" record. A
sweep may therefore run twice, late, or on two workers at once and still queue each reminder once (the
loser of a race gets an IntegrityError inside ``email_enqueue`` and queues nothing); the e-mail itself is
sent after commit by a task that claims the row. A sweep after downtime catches up on what is still due,
but a window that has closed (the samling started, the deadline passed) sends nothing.

Occasions:
- Before the samling (the round's ``gathering_reminder_hours``, default 48; 0 = off): to every
  *registered* person (never waiting, never cancelled), with time, place or video link, and agenda.
- Before the registration deadline (the round's ``registration_reminder_days``, default 3; 0 = off): to
  the municipal coordinator of every participant that has no registration that is not cancelled. One
  e-mail per coordinator, listing their participants. For a koordinatorsamling it asks them to register
  themselves. Samlinger without a deadline, or whose registration has not opened yet, get none.

A moved samling (or a moved deadline): the time it is about is part of the key, so the occasion is "this
samling at this start time". A reminder queued inside the *current* window still stands (the person also
got the "moved" notice with the new time); one queued before the current window opened was about the old
time, and a fresh reminder is sent when the new window opens. So a samling moved by an hour does not
remind everyone again, while one moved a week later reminds them again two days before the new date.

The generic part (``Reminder``, ``Occasion``, ``occasion_key``, ``occasions_send``, ``languages_of``) knows
nothing about samlinger and is meant for the mellomarbeid reminders too; it belongs in
``absolutt.notifications`` once those move onto it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q
from django.db.models.functions import Lower
from django.utils import timezone

from absolutt.accounts.models import User
from absolutt.notifications.models import OutgoingEmail
from absolutt.notifications.services import email_enqueue_template
from municipalities.models import Participant
from programmes.models import Round

from .models import Gathering, Registration

OSLO = ZoneInfo("Europe/Oslo")
DEDUPE_KEY_MAX = OutgoingEmail._meta.get_field("dedupe_key").max_length

GATHERING_REMINDER = "gathering_reminder"
DEADLINE_REMINDER = "registration_deadline_reminder"


# --- Generic: once per person and occasion, through the outbox ----------------------------------

@dataclass(frozen=True)
class Reminder:
    """One e-mail to one person. ``language`` None: looked up from the user with that address (if any)."""

    to: str
    context: dict
    language: str | None = None


@dataclass
class Occasion:
    """Something a group of people is reminded of once each.

    ``key``: the occasion's part of the dedupe key, including the time it is about (``gathering-reminder:
    12:202703260900``). ``topic``: the outbox topic, which is what the object's page lists.
    ``window_start``: when reminding opened for the occasion's current time; a reminder of the same kind
    and topic queued since then still stands even if its key differs (the time moved a little).
    """

    key: str
    topic: str
    window_start: datetime
    reminders: list[Reminder] = field(default_factory=list)


def stamp(at: datetime) -> str:
    """A time as it appears in a dedupe key: UTC, to the minute."""
    return at.astimezone(UTC).strftime("%Y%m%d%H%M")


def occasion_key(occasion: str, email: str) -> str:
    """The outbox dedupe key for one person and occasion. Addresses are compared without case; an address
    too long for the column is replaced by its hash, so the key always fits (and stays unique)."""
    email = email.strip().lower()
    key = f"{occasion}:{email}"
    if len(key) <= DEDUPE_KEY_MAX:
        return key
    return f"{occasion}:sha256:{hashlib.sha256(email.encode()).hexdigest()}"


def languages_of(emails: Iterable[str]) -> dict[str, str]:
    """The preferred language of the users with these addresses, by lower-cased address (one query)."""
    wanted = {e.lower() for e in emails}
    if not wanted:
        return {}
    rows = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=wanted)
    return dict(rows.values_list("email_lower", "language"))


def occasions_send(*, occasions: Iterable[Occasion], kind: str, template: str) -> int:
    """Queue every reminder that is not yet recorded; returns how many this call queued.

    Reading what is recorded first (one query) keeps a sweep that runs every few minutes cheap: it renders
    and inserts only what is new. The unique dedupe key is still what guarantees "once" when two sweeps
    race past that read: the loser's insert fails and ``email_enqueue`` returns None."""
    occasions = [o for o in occasions if o.reminders]
    if not occasions:
        return 0
    recorded_keys: set[str] = set()
    last_queued: dict[tuple[str, str], datetime] = {}
    rows = OutgoingEmail.objects.filter(kind=kind, topic__in={o.topic for o in occasions})
    for topic, to, key, created_at in rows.values_list("topic", "to", "dedupe_key", "created_at"):
        recorded_keys.add(key)
        person = (topic, to.lower())
        if person not in last_queued or created_at > last_queued[person]:
            last_queued[person] = created_at
    pending: list[tuple[Occasion, Reminder, str]] = []
    for occasion in occasions:
        for reminder in occasion.reminders:
            key = occasion_key(occasion.key, reminder.to)
            if key in recorded_keys:
                continue
            earlier = last_queued.get((occasion.topic, reminder.to.lower()))
            if earlier is not None and earlier >= occasion.window_start:
                continue  # reminded inside the current window already, about a slightly different time
            pending.append((occasion, reminder, key))
    languages = languages_of(r.to for _o, r, _k in pending if r.language is None)
    sent = 0
    for occasion, reminder, key in pending:
        row = email_enqueue_template(
            to=reminder.to, template=template, context=reminder.context,
            language=reminder.language or languages.get(reminder.to.lower()),
            dedupe_key=key, kind=kind, topic=occasion.topic,
        )
        sent += row is not None
    return sent


def due_within_offset(*, now: datetime, at: str, setting: str, unit: timedelta) -> Q | None:
    """``now < <at> <= now + <the round's setting> * unit`` as one database filter: an OR over the values
    the rounds actually use (a handful), so each row's own round setting is honoured exactly. For any
    model with a ``round`` (samlinger here; mellomarbeid assignments later). None when no round has it
    switched on (0 = off)."""
    offsets = Round.objects.order_by().values_list(setting, flat=True).distinct()
    q = None
    for n in sorted(n for n in offsets if n):
        term = Q(**{f"round__{setting}": n, f"{at}__lte": now + n * unit})
        q = term if q is None else q | term
    return None if q is None else Q(**{f"{at}__gt": now}) & q


def _gathering_topic(gathering: Gathering) -> str:
    return f"gathering:{gathering.pk}"


# --- Before the samling -------------------------------------------------------------------------

def gathering_reminders_due(*, now: datetime) -> int:
    """Remind every registered person of a samling that starts within its round's reminder offset (and
    has not started). Returns how many reminders this call queued."""
    due = due_within_offset(now=now, at="starts_at", setting="gathering_reminder_hours", unit=timedelta(hours=1))
    if due is None:
        return 0
    registered = Registration.objects.filter(status=Registration.Status.REGISTERED).order_by("pk")
    gatherings = (
        Gathering.objects.filter(due)
        .select_related("round")
        .prefetch_related("agenda", Prefetch("registrations", queryset=registered, to_attr="registered"))
    )
    occasions = []
    for g in gatherings:
        window_start = g.starts_at - timedelta(hours=g.round.gathering_reminder_hours)
        occasion = Occasion(key=f"gathering-reminder:{g.pk}:{stamp(g.starts_at)}", topic=_gathering_topic(g),
                            window_start=window_start)
        agenda = list(g.agenda.all())
        base = {
            "gathering": g,
            "agenda": agenda,
            "multiday": timezone.localtime(g.starts_at, OSLO).date() != timezone.localtime(g.ends_at, OSLO).date(),
            "can_cancel": now <= g.effective_registration_deadline,
            "path": g.get_absolute_url(),
        }
        for r in g.registered:
            occasion.reminders.append(Reminder(to=r.email, context={**base, "registration": r}))
        occasions.append(occasion)
    return occasions_send(occasions=occasions, kind=GATHERING_REMINDER, template="emails/gathering_reminder")


# --- Before the registration deadline ----------------------------------------------------------

def registration_deadline_reminders_due(*, now: datetime) -> int:
    """Remind the municipal coordinators whose participant has registered nobody (waiting counts as
    registered, cancelled does not) for a samling whose deadline is within its round's offset (and has
    not passed). Returns how many reminders this call queued."""
    due = due_within_offset(now=now, at="registration_deadline", setting="registration_reminder_days",
                            unit=timedelta(days=1))
    if due is None:
        return 0
    gatherings = list(
        Gathering.objects.filter(due)
        .filter(Q(registration_opens_at__isnull=True) | Q(registration_opens_at__lte=now))
        .select_related("round")
    )
    if not gatherings:
        return 0
    participants_by_round: dict[int, list[Participant]] = defaultdict(list)
    for p in (Participant.objects.filter(round_id__in={g.round_id for g in gatherings}, coordinator__is_active=True)
              .select_related("coordinator", "municipality", "county").order_by("pk")):
        participants_by_round[p.round_id].append(p)
    with_someone = set(
        Registration.objects.filter(gathering__in=gatherings).exclude(status=Registration.Status.CANCELLED)
        .order_by().values_list("gathering_id", "participant_id").distinct()
    )
    occasions = []
    for g in gatherings:
        window_start = g.registration_deadline - timedelta(days=g.round.registration_reminder_days)
        occasion = Occasion(key=f"registration-deadline:{g.pk}:{stamp(g.registration_deadline)}",
                            topic=_gathering_topic(g), window_start=window_start)
        nobody: dict[int, list[Participant]] = defaultdict(list)  # coordinator id -> their participants
        for p in participants_by_round[g.round_id]:
            if (g.pk, p.pk) not in with_someone:
                nobody[p.coordinator_id].append(p)
        for participants in nobody.values():
            coordinator = participants[0].coordinator
            occasion.reminders.append(Reminder(
                to=coordinator.email, language=coordinator.language,
                context={
                    "gathering": g, "coordinator": coordinator, "participants": participants,
                    "names": ", ".join(p.name for p in participants),
                    "for_coordinators": g.kind == Gathering.Kind.COORDINATORS,
                    "path": g.get_absolute_url(),
                },
            ))
        occasions.append(occasion)
    return occasions_send(occasions=occasions, kind=DEADLINE_REMINDER, template="emails/registration_deadline_reminder")

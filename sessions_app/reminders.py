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

The occasions are queued by the one reminder engine (``absolutt.notifications.reminders``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from absolutt.notifications.models import OutgoingEmail
from absolutt.notifications.reminders import OSLO, Occasion, occasions_queue, stamp
from municipalities.models import Participant
from programmes.models import Round

from .models import Gathering, Registration

GATHERING_REMINDER = OutgoingEmail.Kind.GATHERING_REMINDER
DEADLINE_REMINDER = OutgoingEmail.Kind.REGISTRATION_DEADLINE_REMINDER


def due_within_offset(*, now: datetime, at: str, setting: str, unit: timedelta) -> Q | None:
    """A database filter for the rows whose reminding may have opened: ``now < <at> <= now + <the round's
    setting> * unit`` (plus an hour, for the wall-clock arithmetic across a daylight-saving change; the exact
    check is ``window_opened``), as an OR over the values the rounds actually use (a handful), so each row's
    own round setting is honoured. For any model with a ``round``. None when no round has it switched on
    (0 = off)."""
    offsets = Round.objects.order_by().values_list(setting, flat=True).distinct()
    q = None
    for n in sorted(n for n in offsets if n):
        term = Q(**{f"round__{setting}": n, f"{at}__lte": now + n * unit + timedelta(hours=1)})
        q = term if q is None else q | term
    return None if q is None else Q(**{f"{at}__gt": now}) & q


def window_start(at: datetime, offset: timedelta) -> datetime:
    """When reminding opens: ``offset`` before ``at`` in Oslo wall-clock time ("48 hours before Monday 10:00"
    is Saturday 10:00, also when the clocks change on the Sunday in between)."""
    return timezone.localtime(at, OSLO) - offset


def _reminder_context(g: Gathering, now: datetime) -> dict:
    """What the reminder before a samling shows (agenda prefetched or read here)."""
    return {
        "gathering": g,
        "agenda": list(g.agenda.all()),
        "multiday": timezone.localtime(g.starts_at, OSLO).date() != timezone.localtime(g.ends_at, OSLO).date(),
        "can_cancel": now <= g.effective_registration_deadline,
        "path": g.get_absolute_url(),
    }


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
        opens = window_start(g.starts_at, timedelta(hours=g.round.gathering_reminder_hours))
        if now < opens:
            continue
        base = _reminder_context(g, now)
        for r in g.registered:
            occasions.append(Occasion(
                to=r.email, kind=GATHERING_REMINDER, key=f"gathering-reminder:{g.pk}:{stamp(g.starts_at)}",
                about=g, due_at=opens, stands_since=opens,
                context={**base, "registration": r},
            ))
    return occasions_queue(occasions)


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
        opens = window_start(g.registration_deadline, timedelta(days=g.round.registration_reminder_days))
        if now < opens:
            continue
        nobody: dict[int, list[Participant]] = defaultdict(list)  # coordinator id -> their participants
        for p in participants_by_round[g.round_id]:
            if (g.pk, p.pk) not in with_someone:
                nobody[p.coordinator_id].append(p)
        for participants in nobody.values():
            coordinator = participants[0].coordinator
            occasions.append(Occasion(
                to=coordinator.email, language=coordinator.language, kind=DEADLINE_REMINDER,
                key=f"registration-deadline:{g.pk}:{stamp(g.registration_deadline)}", about=g,
                due_at=opens, stands_since=opens,
                context={
                    "gathering": g, "coordinator": coordinator, "participants": participants,
                    "names": ", ".join(p.name for p in participants),
                    "for_coordinators": g.kind == Gathering.Kind.COORDINATORS,
                    "path": g.get_absolute_url(),
                },
            ))
    return occasions_queue(occasions)


# --- By hand: "Send påminnelse" about a samling --------------------------------------------------

@dataclass
class GatheringNudgePlan:
    """Per participant: the registered people (reminded of the samling), or without any the coordinator
    (reminded to register); and who is left out, with a readable reason."""

    registered: list[tuple[Participant, list[Registration]]]
    to_register: list[Participant]
    skipped: list[tuple[Participant, str]]


def gathering_nudge_plan(*, gathering: Gathering, participants: list[Participant], now: datetime) -> GatheringNudgePlan:
    plan = GatheringNudgePlan([], [], [])
    if now >= gathering.starts_at:
        plan.skipped = [(p, _("the samling has started")) for p in participants]
        return plan
    by_participant: dict[int, list[Registration]] = defaultdict(list)
    for r in gathering.registrations.filter(participant__in=participants, status=Registration.Status.REGISTERED):
        by_participant[r.participant_id].append(r)
    for p in participants:
        if by_participant[p.pk]:
            plan.registered.append((p, by_participant[p.pk]))
        elif p.coordinator is not None and p.coordinator.is_active:
            plan.to_register.append(p)
        else:
            plan.skipped.append((p, _("nobody registered and no coordinator")))
    return plan


def gathering_nudge_occasions(*, gathering: Gathering, plan: GatheringNudgePlan, now: datetime) -> list[Occasion]:
    key = f"gathering-nudge:{gathering.pk}:{{p}}:{stamp(now)}"
    base = _reminder_context(gathering, now)
    occasions = []
    for p, registrations in plan.registered:
        for r in registrations:
            occasions.append(Occasion(to=r.email, kind=OutgoingEmail.Kind.GATHERING_NUDGE, key=key.format(p=p.pk),
                                      about=gathering, party=p,
                                      due_at=now, template="emails/gathering_reminder",
                                      context={**base, "registration": r}))
    for p in plan.to_register:
        c = p.coordinator
        occasions.append(Occasion(
            to=c.email, language=c.language, kind=OutgoingEmail.Kind.GATHERING_NUDGE, key=key.format(p=p.pk), about=gathering,
            party=p, due_at=now,
            template="emails/registration_deadline_reminder",
            context={"gathering": gathering, "coordinator": c, "participants": [p], "names": p.name,
                     "for_coordinators": gathering.kind == Gathering.Kind.COORDINATORS, "path": gathering.get_absolute_url()},
        ))
    return occasions


def gathering_nudge(*, gathering: Gathering, participants: list[Participant], now: datetime | None = None
                    ) -> tuple[int, GatheringNudgePlan]:
    """A regional coordinator's "Send påminnelse" about a samling, through the reminder engine: the chosen
    participants' registered people get the reminder before the samling, a participant with nobody
    registered has its coordinator asked to register. Listed with the samling's reminders; the same nudge
    twice within a minute (a double click) goes once."""
    now = now or timezone.now()
    plan = gathering_nudge_plan(gathering=gathering, participants=participants, now=now)
    return occasions_queue(gathering_nudge_occasions(gathering=gathering, plan=plan, now=now)), plan

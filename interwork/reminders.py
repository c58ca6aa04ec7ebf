"""Mellomarbeid reminders: the rules that say who is reminded of which work, and when. The one reminder
engine (``absolutt.notifications.reminders``) turns the occasions into outbox rows, once per person and
occasion, and beat runs the sweep every five minutes (no far-future ETA tasks).

The sweep is set-based: one query finds the assignments whose due time (or a granted extension's) lies in
some reminder window now; for the work on the assignment's own due time (nearly all of it) one more query
asks the database which participants still miss a reminder that fell due (an e-mail of that kind about the
work queued since it fell due: ``absolutt.notifications.reminders.reminded``), so a sweep with nothing new
reads no rows back; extended and returned work (few) is read and checked by key. Only the participants that
are due are loaded, and the engine inserts their rows in one statement. Work whose windows are all in the
future or long past is never loaded, so the cost follows what is due, not the history.

Occasions, for each participant and open assignment (not started, draft, or returned for revision — the
last with its own wording and its own keys per return; never delivered or approved work):
- before the due time, for each of the round's reminder days (default 7 and 1); after downtime only the
  nearest one is sent; the due time is the granted extension's when there is one, and it is part of the
  key, so an extension gives fresh reminders relative to the new time;
- overdue: the morning (08:00 Oslo) after the due date, for a week;
- escalation to the round's regional coordinators: 08:00 Oslo, N days after the due date (a round setting);
- a participant without a municipal coordinator: its core group's administrative leaders (or, without one,
  the whole core group) get the reminders instead, and the regional coordinators are told why.
Times are computed in Europe/Oslo with zoneinfo (wall-clock), so a deadline at 23:59 on the last Sunday of
March or October is handled right. E-mails are rendered when sent (``work_context``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from absolutt import access
from absolutt.accounts.models import User
from absolutt.notifications.models import OutgoingEmail
from absolutt.notifications.reminders import (
    OSLO,
    Occasion,
    key_expression,
    occasion_key,
    occasion_key_expression,
    occasions_queue,
    queue_select,
    recorded_keys,
    reminded,
    stamp,
)
from absolutt.notifications.services import render_email
from municipalities.models import Participant, RoleCategory
from programmes.models import Round
from sessions_app import reminders as gathering_reminders

from .models import Assignment, Submission

MORNING = time(8, 0)
# Work that is still to be delivered: not started, a draft, or returned for revision (which the matrix also
# counts as overdue once its time has passed, so it is reminded too, in its own words).
OPEN = frozenset(str(s) for s in Submission.OPEN_STATUSES)  # plain strings: compared 10 000s of times a sweep
NOT_STARTED = str(Submission.Status.NOT_STARTED)
RETURNED = str(Submission.Status.RETURNED)
ACTIVE_ROUNDS = (Round.Status.SIGNUP, Round.Status.RUNNING)
LOOKBACK = timedelta(days=45)  # escalations further back than this are not sent after long downtime
NOTICE_DAYS = 7  # an overdue notice or escalation is sent within a week of falling due, never later
BUILDER = "interwork.reminders.work_context"


def morning_after(due: datetime, days: int) -> datetime:
    local_day = timezone.localtime(due, OSLO).date()
    return datetime.combine(local_day + timedelta(days=days), MORNING, tzinfo=OSLO)


@dataclass(slots=True)
class Work:
    """What the sweep needs of a submission row (read as plain values, not model instances)."""

    pk: int
    status: str
    extended_due_at: datetime | None
    last_delivered_at: datetime | None = None



@dataclass(slots=True)
class Pending:
    assignment: Assignment
    participant: Participant
    submission: Work | None

    @property
    def due(self) -> datetime:
        if self.submission and self.submission.extended_due_at:
            return self.submission.extended_due_at
        return self.assignment.due_at

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else NOT_STARTED

    @property
    def returned(self) -> datetime | None:
        """For work returned for revision: the delivery it was returned after (each return is an occasion
        of its own), else None."""
        if self.submission is not None and self.submission.status == RETURNED:
            return self.submission.last_delivered_at or self.due
        return None


def _window(now: datetime) -> tuple[datetime, datetime] | None:
    """The due times for which some reminder may fall due now, over the settings the active rounds use
    (one query over a handful of distinct settings)."""
    settings_used = Round.objects.filter(status__in=ACTIVE_ROUNDS).order_by().values_list(
        "assignment_reminder_days", "escalation_days").distinct()
    ahead, back = 0, 1
    seen = False
    for days, escalation in settings_used:
        seen = True
        parsed = [int(d) for d in days.replace(" ", "").split(",") if d.isdigit()]
        ahead = max([ahead, *parsed])
        back = max(back, escalation or 0)
    if not seen:
        return None
    # a day's margin either way for the wall-clock arithmetic across a daylight-saving change
    earliest = max(now - timedelta(days=back + NOTICE_DAYS + 1), now - LOOKBACK)
    return earliest, now + timedelta(days=ahead + 1)


def _assignments_in(window: tuple[datetime, datetime], now: datetime) -> list[Assignment]:
    """The open assignments of active rounds whose due time, or a granted extension's, lies in ``window``."""
    earliest, latest = window
    return list(
        Assignment.objects.filter(opens_at__lte=now, round__status__in=ACTIVE_ROUNDS)
        .filter(Q(due_at__gte=earliest, due_at__lte=latest)
                | Q(submissions__extended_due_at__gte=earliest, submissions__extended_due_at__lte=latest))
        .select_related("round").prefetch_related("round__regional_coordinators").distinct()
    )


def _participants(**filters) -> list[Participant]:
    """Participants with what the reminders need of them (coordinator, names, core group)."""
    return list(Participant.objects.filter(**filters).select_related(
        "coordinator", "municipality", "county").prefetch_related("core_group").order_by("pk"))


def open_work(now: datetime, *, window: tuple[datetime, datetime] | None = None) -> list[Pending]:
    """Every (assignment, participant) pair whose work is open and whose due time lies in ``window``
    (by default: where some reminder may be due now). Five queries, whatever the history."""
    window = window or _window(now)
    if window is None:
        return []
    earliest, latest = window
    assignments = _assignments_in(window, now)
    if not assignments:
        return []
    by_round: dict[int, list[Participant]] = defaultdict(list)
    for p in _participants(round_id__in={a.round_id for a in assignments}):
        by_round[p.round_id].append(p)
    subs = {(a, p): Work(pk, status, extended, delivered) for pk, a, p, status, extended, delivered in
            Submission.objects.filter(assignment__in=assignments).values_list(
                "pk", "assignment_id", "participant_id", "status", "extended_due_at", "last_delivered_at")}
    out = []
    for a in assignments:
        for p in by_round[a.round_id]:
            item = Pending(a, p, subs.get((a.pk, p.pk)))
            if item.status in OPEN and earliest <= item.due <= latest:
                out.append(item)
    return out


def work_context(*, due: str, about_id: int | None = None, party_id: int | None = None,
                 assignment: int | None = None, participant: int | None = None, **extra) -> dict:
    """The e-mail's context, made when it is sent (the engine's builder): the outbox row is about the
    assignment, with the participant as its party (rows queued before that named them in ``args``)."""
    a = Assignment.objects.get(pk=assignment or about_id)
    p = Participant.objects.select_related("municipality", "county", "coordinator").get(pk=participant or party_id)
    status = Submission.objects.filter(assignment=a, participant=p).values_list("status", flat=True).first()
    return {"assignment": a, "participant": p, "due": datetime.fromisoformat(due),
            "status": Submission.Status(status or Submission.Status.NOT_STARTED).label,
            "path": reverse("interwork:submission_detail", kwargs={"pk": a.pk, "participant_pk": p.pk}),
            "participant_path": p.get_absolute_url(), **extra}


def _schedule(a: Assignment, due: datetime, now: datetime, returned: datetime | None = None
              ) -> list[tuple[str, str, str, datetime, dict]]:
    """The reminders of one assignment with one due time that are due now, as (who, kind, key, due at,
    extra); who is "coordinator", "core_group" or "regional", and ``{a}`` and ``{p}`` in the key stand for
    the assignment and the participant. The same for every participant with that due time, so the sweep works it out once per
    assignment (and once per extension or return). Returned work has its own keys (per return) and words."""
    key_due = stamp(due)
    suffix = f":returned-{stamp(returned)}" if returned else ""
    words = {"returned": True, "template": "emails/assignment_returned"} if returned else {}
    out = []
    if now < due:
        # "7 days before" means the same wall-clock time in Oslo 7 days earlier, also across a
        # daylight-saving change (zoneinfo arithmetic on a local time is wall-clock arithmetic).
        local_due = timezone.localtime(due, OSLO)
        days = a.round.reminder_days
        applicable = [d for d in days if now >= local_due - timedelta(days=d)]
        if applicable:
            d = min(applicable)
            at = local_due - timedelta(days=d)
            extra = {"days": max(1, (local_due.date() - timezone.localtime(now, OSLO).date()).days), **words}
            key = f"assignment-reminder:{{a}}:{{p}}:{key_due}:{d}{suffix}"
            out.append(("coordinator", "assignment_reminder", key, at, extra))
            if d == min(days) and a.round.copy_core_group_on_last_reminder:
                out.append(("core_group", "assignment_reminder", key, at, {**extra, "copy": True}))
        return out
    # Overdue: the morning after the due date, or for work returned after it, the morning after the delivery
    # it was returned after.
    overdue_at = morning_after(max(due, returned) if returned else due, 1)
    if a.round.overdue_notice and overdue_at <= now < overdue_at + timedelta(days=NOTICE_DAYS):
        out.append(("coordinator", "assignment_overdue", f"assignment-overdue:{{a}}:{{p}}:{key_due}{suffix}",
                    overdue_at, words))
    if a.round.escalation_days:
        escalate_at = morning_after(max(due, returned) if returned else due, a.round.escalation_days)
        if escalate_at <= now < escalate_at + timedelta(days=NOTICE_DAYS):
            out.append(("regional", "assignment_escalation", f"assignment-escalation:{{a}}:{{p}}:{key_due}{suffix}",
                        escalate_at, {"days_late": a.round.escalation_days, **({"returned": True} if returned else {})}))
    return out


def fallback_recipients(p: Participant) -> list:
    """Who is reminded when a participant has no municipal coordinator: the core group's administrative
    leaders, or when it has none, the whole active core group."""
    members = [m for m in p.core_group.all() if m.is_active and m.email]
    leaders = [m for m in members if m.role_category == RoleCategory.ADMINISTRATIVE]
    return leaders or members


def _occasions(item: Pending, schedule) -> list[tuple[str, str | None, str, str, datetime, dict]]:
    """(to, language, kind, key, due_at, extra) for each reminder of one piece of work that is due now. A
    participant without a coordinator: the reminder goes to ``fallback_recipients`` and the round's regional
    coordinators are told why (once per piece of work and due time)."""
    p = item.participant
    coordinator = p.coordinator
    out = []
    for who, kind, key, at, extra in schedule:
        key = key.format(a=item.assignment.pk, p=p.pk)
        if who == "coordinator" and coordinator is not None:
            out.append((coordinator.email, coordinator.language, kind, key, at, extra))
        elif who == "coordinator":
            recipients = fallback_recipients(p)
            for m in recipients:
                out.append((m.email, None, kind, key, at, {**extra, "fallback": True}))
            notice = {"recipients": ", ".join(m.email for m in recipients), "template": "emails/assignment_no_coordinator"}
            for rc in item.assignment.round.regional_coordinators.all():
                out.append((rc.email, rc.language, "assignment_no_coordinator",
                            f"assignment-no-coordinator:{item.assignment.pk}:{p.pk}:{stamp(item.due)}", at, notice))
        elif who == "core_group" and coordinator is not None:
            for m in p.core_group.all():
                if m.is_active and m.email and m.email.lower() != coordinator.email.lower():
                    out.append((m.email, None, kind, key, at, extra))
        elif who == "regional":
            for rc in item.assignment.round.regional_coordinators.all():
                out.append((rc.email, rc.language, kind, key, at, extra))
    return out


# Work on the assignment's own due time, not extended and not returned (nearly all of it): the database finds
# who is due and queues them in one statement per reminder (``_queue_plain``). Returned and extended work
# (few) is read into Python and checked by key, as is work whose participant has no coordinator.
PLAIN = tuple(s for s in OPEN if s != RETURNED)


def _plain_pairs(assignment_ids: list[int]):
    """Participants annotated with ``work`` (an assignment of their round among ``assignment_ids``) whose work
    on it is open on the assignment's own due time: one row per pair, in the database."""
    not_plain = Submission.objects.filter(assignment_id=OuterRef("work"), participant_id=OuterRef("pk")).filter(
        ~Q(status__in=PLAIN) | Q(extended_due_at__isnull=False))
    return (Participant.objects.annotate(work=F("round__assignments")).filter(work__in=assignment_ids)
            .exclude(Exists(not_plain)).order_by())


def _recipients(pairs, who: str):
    """The pairs with each of their recipients of a reminder ``who`` is sent to, as ``recipient``."""
    if who == "coordinator":
        return pairs.filter(coordinator__isnull=False).annotate(recipient=F("coordinator__email"))
    if who == "core_group":  # a copy to the active core group, not to the coordinator twice
        return (pairs.filter(coordinator__isnull=False)
                .annotate(member=FilteredRelation("core_group", condition=Q(core_group__is_active=True)))
                .annotate(recipient=F("member__email"), recipient_lower=Lower("member__email"))
                .exclude(recipient="").exclude(recipient_lower=Lower("coordinator__email")))
    return pairs.annotate(recipient=F("round__regional_coordinators__email")).filter(recipient__isnull=False)


def _signature(a: Assignment, schedule: list) -> tuple:
    """What assignments due at the same time share: their due time and their reminders, without their ids."""
    return a.due_at, tuple((who, kind, key, at, tuple(sorted(extra.items()))) for who, kind, key, at, extra in schedule)


def _builder_spec(kind: str, due: datetime, extra: dict) -> tuple[str, dict]:
    """The template and the builder's args of one reminder (the row's about and party say whose work)."""
    args = {"due": due.isoformat(), **extra}
    template = args.pop("template", "")
    if template == "emails/assignment_returned":
        template = f"{template}_{kind.removeprefix('assignment_')}"
    return template, args


def _queue_plain(groups: dict[tuple, list[int]]) -> int:
    """Queue the reminders of the plain work that are due and not yet queued: for each group of assignments
    due at the same time and each of its reminders, one query asks whether anyone misses it and, if so, one
    ``INSERT … SELECT`` queues them all (``absolutt.notifications.reminders.queue_select``)."""
    queued = 0
    for (due, schedule), ids in groups.items():
        pairs = _plain_pairs(ids)
        for who, kind, key, at, extra in schedule:
            missing = _recipients(pairs, who).exclude(reminded(
                Assignment, OuterRef("work"), kind=kind, since=at, to=OuterRef("recipient")))
            if not missing.exists():
                continue
            template, args = _builder_spec(kind, due, dict(extra))
            queued += queue_select(
                missing, to=F("recipient"), kind=kind, due_at=at, template=template, builder=BUILDER, args=args,
                key=occasion_key_expression(key_expression(key, a=F("work"), p=F("pk")), F("recipient")),
                about=Assignment, about_id=F("work"), party=Participant, party_id=F("pk"))
    return queued


def _without_coordinator(groups: dict[tuple, list[int]]) -> list[tuple[int, int, list]]:
    """(assignment id, participant id, the coordinator reminders) of plain work whose participant has no
    coordinator and that still misses one of those reminders (these go to the core group, in Python)."""
    out = []
    for (_due, schedule), ids in groups.items():
        entries = [e for e in schedule if e[0] == "coordinator"]
        if not entries:
            continue
        missing = Q()
        for _who, kind, _key, at, _extra in entries:
            missing |= ~reminded(Assignment, OuterRef("work"), kind=kind, since=at)
        for pk, work in _plain_pairs(ids).filter(coordinator__isnull=True).filter(missing).values_list("pk", "work"):
            out.append((work, pk, [(w, k, key, at, dict(x)) for w, k, key, at, x in entries]))
    return out


def assignment_reminders_due(*, now: datetime) -> int:
    """Queue the mellomarbeid reminders, overdue notices and escalations that are due now; returns how
    many e-mails this call queued."""
    window = _window(now)
    if window is None:
        return 0
    earliest, latest = window
    assignments = _assignments_in(window, now)
    if not assignments:
        return 0
    by_pk = {a.pk: a for a in assignments}
    groups: dict[tuple, list[int]] = defaultdict(list)
    for a in assignments:
        if earliest <= a.due_at <= latest and (schedule := _schedule(a, a.due_at, now)):
            groups[_signature(a, schedule)].append(a.pk)
    queued = _queue_plain(groups)

    # In Python: plain work without a coordinator, and returned or extended work.
    lone = _without_coordinator(groups)
    special = {(a, p): Work(pk, status, extended, delivered) for pk, a, p, status, extended, delivered in
               Submission.objects.filter(assignment__in=assignments, status__in=OPEN).filter(
                   Q(status=RETURNED) | Q(extended_due_at__isnull=False)).values_list(
                   "pk", "assignment_id", "participant_id", "status", "extended_due_at", "last_delivered_at")}
    if not (lone or special):
        return queued
    people = {p.pk: p for p in _participants(pk__in={p for _a, p, _s in lone} | {p for _a, p in special})}
    due: list[tuple[Pending, tuple]] = []
    for a, p, schedule in lone:
        item = Pending(by_pk[a], people[p], None)
        due.extend((item, o) for o in _occasions(item, schedule))
    for (a, p), work in special.items():
        item = Pending(by_pk[a], people[p], work)
        if earliest <= item.due <= latest:
            due.extend((item, o) for o in _occasions(item, _schedule(item.assignment, item.due, now, item.returned)))
    done = recorded_keys([occasion_key(o[3], o[0]) for _item, o in due])
    occasions = []
    for item, (to, language, kind, key, at, extra) in due:
        if occasion_key(key, to) in done:
            continue
        template, args = _builder_spec(kind, item.due, dict(extra))
        occasions.append(Occasion(to=to, language=language, kind=kind, key=key, due_at=at, template=template,
                                  about=item.assignment, party=item.participant, builder=BUILDER, args=args))
    return queued + occasions_queue(occasions, unrecorded=True)


def digests_due(*, now: datetime) -> int:
    """Regional coordinators' digest (daily, or weekly on Mondays; from 07:00 Oslo): due soon, overdue,
    deliveries waiting for review. Once per person and day; nothing is sent when there is nothing to say.
    The open work is loaded once for every coordinator (not once each)."""
    local = timezone.localtime(now, OSLO)
    if local.time() < time(7, 0):
        return 0
    active_rounds = Round.objects.filter(status__in=ACTIVE_ROUNDS)
    users = [u for u in access.regional_coordinators_of(active_rounds).exclude(digest=User.Digest.OFF)
             if not (u.digest == User.Digest.WEEKLY and local.weekday() != 0)]
    def key(user) -> str:
        return f"assignment-digest:{user.pk}:{local.date().isoformat()}"

    done = recorded_keys([key(u) for u in users])
    users = [u for u in users if key(u) not in done]
    if not users:
        return 0
    rounds_of: dict[int, list[Round]] = defaultdict(list)
    links = Round.regional_coordinators.through.objects.filter(
        user_id__in=[u.pk for u in users], round__status__in=ACTIVE_ROUNDS).select_related("round").order_by("round_id")
    for link in links:
        rounds_of[link.user_id].append(link.round)
    round_ids = {r.pk for rs in rounds_of.values() for r in rs}
    waiting: dict[int, list[Submission]] = defaultdict(list)
    for s in (Submission.objects.filter(assignment__round_id__in=round_ids, status=Submission.Status.DELIVERED)
              .select_related("assignment", "participant__municipality", "participant__county")):
        waiting[s.assignment.round_id].append(s)
    work: dict[int, list[Pending]] = defaultdict(list)
    for w in open_work(now, window=(now - LOOKBACK, now + timedelta(days=7))):
        work[w.assignment.round_id].append(w)
    occasions = []
    for user in users:
        rounds = rounds_of[user.pk]
        subs_waiting = [s for r in rounds for s in waiting[r.pk]]
        mine = [w for r in rounds for w in work[r.pk]]
        overdue = [w for w in mine if w.due <= now]
        soon = [w for w in mine if now < w.due <= now + timedelta(days=7)]
        if not (subs_waiting or overdue or soon):
            continue
        occasions.append(Occasion(
            to=user.email, language=user.language, kind=OutgoingEmail.Kind.ASSIGNMENT_DIGEST, key=key(user), exact_key=True,
            about=user, due_at=now,
            context={"user": user, "waiting": subs_waiting, "overdue": overdue, "soon": soon, "rounds": rounds},
        ))
    return occasions_queue(occasions)


# --- By hand: "Send påminnelse" ------------------------------------------------------------------

@dataclass
class NudgePlan:
    """Who a reminder sent by hand reaches, per participant, and why someone is left out."""

    to: list[tuple[Participant, list[str], bool]]  # participant, addresses, fallback (no coordinator)
    skipped: list[tuple[Participant, str]]  # participant, readable reason


def nudge_plan(*, assignment: Assignment, participants: list[Participant]) -> NudgePlan:
    """The same rules as the sweep: the coordinator, or without one the administrative leader (or the whole
    core group); nobody for work that is delivered or approved."""
    statuses = dict(Submission.objects.filter(assignment=assignment, participant__in=participants)
                    .values_list("participant_id", "status"))
    plan = NudgePlan([], [])
    for p in participants:
        status = statuses.get(p.pk, Submission.Status.NOT_STARTED)
        if status not in OPEN:
            plan.skipped.append((p, _("delivered") if status == Submission.Status.DELIVERED else _("approved")))
        elif p.coordinator is not None and p.coordinator.is_active:
            plan.to.append((p, [p.coordinator.email], False))
        elif recipients := fallback_recipients(p):
            plan.to.append((p, [m.email for m in recipients], True))
        else:
            plan.skipped.append((p, _("no coordinator and nobody in the core group")))
    return plan


def nudge_context(*, assignment: Assignment, participant: Participant, by_user, message: str) -> dict:
    return {**work_context(assignment=assignment.pk, participant=participant.pk,
                           due=_due_of(assignment, participant).isoformat()),
            "sender": by_user.get_full_name(), "message": message}


def _due_of(assignment: Assignment, participant: Participant) -> datetime:
    extended = Submission.objects.filter(assignment=assignment, participant=participant).values_list(
        "extended_due_at", flat=True).first()
    return extended or assignment.due_at


def nudge_preview(*, assignment: Assignment | None, gathering, participants: list[Participant], by_user,
                  message: str, now: datetime) -> tuple[dict | None, dict]:
    """What "Send påminnelse" would send, before it is sent: the first e-mail ({subject, text}) and who gets it
    or is left out and why ({to: [(name, addresses, fallback)], skipped: [(participant, reason)]})."""
    preview = None
    if assignment is not None:
        plan = nudge_plan(assignment=assignment, participants=participants)
        recipients = [(p.name, addresses, fallback) for p, addresses, fallback in plan.to]
        if plan.to:
            p, _addresses, fallback = plan.to[0]
            context = {**nudge_context(assignment=assignment, participant=p, by_user=by_user, message=message),
                       "fallback": fallback}
            preview = render_email("emails/assignment_nudge", context, None)
    else:
        plan = gathering_reminders.gathering_nudge_plan(gathering=gathering, participants=participants, now=now)
        occasions = gathering_reminders.gathering_nudge_occasions(gathering=gathering, plan=plan, now=now)
        recipients = [(p.name, [r.email for r in regs], False) for p, regs in plan.registered] + [
            (p.name, [p.coordinator.email], False) for p in plan.to_register]
        if occasions:
            preview = render_email(occasions[0].template, occasions[0].context, None)
    return ({"subject": preview[0], "text": preview[1]} if preview else None), {"to": recipients, "skipped": plan.skipped}


def reminder_nudge(*, assignment: Assignment, participants: list[Participant], by_user, message: str = "",
                   now: datetime | None = None) -> tuple[int, NudgePlan]:
    """Send a reminder by hand (a regional coordinator's "Send påminnelse") through the reminder engine.
    It is listed with the work's reminders (kind ``assignment_nudge``, who sent it in the text); the same
    nudge sent twice within a minute (a double click) goes once. Returns how many e-mails were queued."""
    now = now or timezone.now()
    plan = nudge_plan(assignment=assignment, participants=participants)
    occasions = []
    for p, addresses, fallback in plan.to:
        due = _due_of(assignment, p)
        for email in addresses:
            occasions.append(Occasion(
                to=email, kind=OutgoingEmail.Kind.ASSIGNMENT_NUDGE, key=f"assignment-nudge:{assignment.pk}:{p.pk}:{stamp(now)}",
                about=assignment, party=p, due_at=now, builder=BUILDER,
                language=p.coordinator.language if not fallback else None,
                args={"due": due.isoformat(), "sender": by_user.get_full_name(), "message": message,
                      "fallback": fallback},
            ))
    return occasions_queue(occasions), plan

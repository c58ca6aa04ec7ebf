"""Mellomarbeid deadline reminders, found by a periodic sweep (beat) rather than far-future ETA tasks.

Each e-mail is an outbox row whose unique ``dedupe_key`` names the person and the occasion, so the sweep
may run twice, late, or on two workers at once and still send each reminder exactly once; sending
happens after commit and claims the row (``absolutt.notifications``).

Occasions, for each participant and open assignment (not delivered, not approved, not returned):
- before the due time, for each of the round's reminder days (default 7 and 1); after downtime only the
  nearest one is sent; the due time is the granted extension's when there is one, and it is part of the
  key, so an extension gives fresh reminders relative to the new time;
- overdue: the morning (08:00 Oslo) after the due date;
- escalation to the round's regional coordinators: 08:00 Oslo, N days after the due date (a round setting).
Times are computed in Europe/Oslo with zoneinfo, so a deadline at 23:59 on the last Sunday of March or
October is handled right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from absolutt import access
from absolutt.accounts.models import User
from absolutt.notifications.services import email_enqueue_template
from municipalities.models import Participant
from programmes.models import Round

from .models import Assignment, Submission

OSLO = ZoneInfo("Europe/Oslo")
MORNING = time(8, 0)
OPEN = (Submission.Status.NOT_STARTED, Submission.Status.DRAFT)
LOOKBACK = timedelta(days=45)  # escalations further back than this are not sent after long downtime


def morning_after(due: datetime, days: int) -> datetime:
    local_day = timezone.localtime(due, OSLO).date()
    return datetime.combine(local_day + timedelta(days=days), MORNING, tzinfo=OSLO)


@dataclass
class Pending:
    assignment: Assignment
    participant: Participant
    submission: Submission | None

    @property
    def due(self) -> datetime:
        if self.submission and self.submission.extended_due_at:
            return self.submission.extended_due_at
        return self.assignment.due_at

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else Submission.Status.NOT_STARTED


def open_work(now: datetime) -> list[Pending]:
    """Every (assignment, participant) pair whose work is open and whose reminders may be due now."""
    assignments = list(
        Assignment.objects.filter(opens_at__lte=now, round__status__in=["signup", "running"])
        .filter(Q(due_at__gte=now - LOOKBACK) | Q(submissions__extended_due_at__gte=now - LOOKBACK))
        .select_related("round").prefetch_related("round__regional_coordinators").distinct()
    )
    if not assignments:
        return []
    round_ids = {a.round_id for a in assignments}
    participants = list(Participant.objects.filter(round_id__in=round_ids).select_related(
        "coordinator", "municipality", "county").prefetch_related("core_group"))
    subs = {(s.assignment_id, s.participant_id): s
            for s in Submission.objects.filter(assignment__in=assignments)}
    out = []
    for a in assignments:
        for p in participants:
            if p.round_id != a.round_id:
                continue
            item = Pending(a, p, subs.get((a.pk, p.pk)))
            if item.status in OPEN:
                out.append(item)
    return out


def _send(item: Pending, *, to: str, language: str | None, kind: str, key: str, extra: dict | None = None) -> bool:
    submission_topic = f"submission:{item.submission.pk}" if item.submission else ""
    if not submission_topic:
        from .services import submission_for

        item.submission = submission_for(assignment=item.assignment, participant=item.participant)
        submission_topic = f"submission:{item.submission.pk}"
    row = email_enqueue_template(
        to=to, template=f"emails/{kind}", language=language,
        context={"assignment": item.assignment, "participant": item.participant, "due": item.due,
                 "status": Submission.Status(item.status).label, "path": item.submission.get_absolute_url(), **(extra or {})},
        dedupe_key=key, kind=kind, topic=submission_topic,
    )
    return row is not None


def assignment_reminders_due(*, now: datetime) -> int:
    sent = 0
    for item in open_work(now):
        a, p, due = item.assignment, item.participant, item.due
        stamp = due.strftime("%Y%m%d%H%M")
        base = f"{a.pk}:{p.pk}:{stamp}"
        coordinator = p.coordinator
        days = a.round.reminder_days  # e.g. [7, 1]
        if now < due:
            # "7 days before" means the same wall-clock time in Oslo 7 days earlier, also across a
            # daylight-saving change (zoneinfo arithmetic on a local time is wall-clock arithmetic).
            local_due = timezone.localtime(due, OSLO)
            applicable = [d for d in days if now >= local_due - timedelta(days=d)]
            if applicable and coordinator is not None:
                d = min(applicable)
                last = d == min(days)
                key = f"assignment-reminder:{base}:{d}"
                left = max(1, (timezone.localtime(due, OSLO).date() - timezone.localtime(now, OSLO).date()).days)
                sent += _send(item, to=coordinator.email, language=coordinator.language, kind="assignment_reminder",
                              key=f"{key}:{coordinator.email.lower()}", extra={"days": left})
                if last and a.round.copy_core_group_on_last_reminder:
                    for m in p.core_group.all():
                        if m.is_active and m.email and m.email.lower() != coordinator.email.lower():
                            sent += _send(item, to=m.email, language=None, kind="assignment_reminder",
                                          key=f"{key}:{m.email.lower()}", extra={"days": left, "copy": True})
            continue
        overdue_at = morning_after(due, 1)
        if a.round.overdue_notice and coordinator is not None and overdue_at <= now < overdue_at + timedelta(days=7):
            sent += _send(item, to=coordinator.email, language=coordinator.language, kind="assignment_overdue",
                          key=f"assignment-overdue:{base}:{coordinator.email.lower()}")
        if a.round.escalation_days:
            escalate_at = morning_after(due, a.round.escalation_days)
            if escalate_at <= now < escalate_at + timedelta(days=7):
                for rc in a.round.regional_coordinators.all():
                    sent += _send(item, to=rc.email, language=rc.language, kind="assignment_escalation",
                                  key=f"assignment-escalation:{base}:{rc.email.lower()}",
                                  extra={"days_late": a.round.escalation_days})
    return sent


def digests_due(*, now: datetime) -> int:
    """Regional coordinators' digest (daily, or weekly on Mondays; from 07:00 Oslo): due soon, overdue,
    deliveries waiting for review. Once per person and day; nothing is sent when there is nothing to say."""
    local = timezone.localtime(now, OSLO)
    if local.time() < time(7, 0):
        return 0
    active_rounds = Round.objects.filter(status__in=[Round.Status.SIGNUP, Round.Status.RUNNING])
    users = access.regional_coordinators_of(active_rounds).exclude(digest=User.Digest.OFF)
    sent = 0
    for user in users:
        if user.digest == User.Digest.WEEKLY and local.weekday() != 0:
            continue
        rounds = list(access.coordinated_rounds(user).filter(pk__in=active_rounds.values("pk")))
        subs_waiting = list(Submission.objects.filter(assignment__round__in=rounds, status=Submission.Status.DELIVERED)
                            .select_related("assignment", "participant__municipality", "participant__county"))
        work = [w for w in open_work(now) if w.assignment.round_id in {r.pk for r in rounds}]
        overdue = [w for w in work if w.due <= now]
        soon = [w for w in work if now < w.due <= now + timedelta(days=7)]
        if not (subs_waiting or overdue or soon):
            continue
        row = email_enqueue_template(
            to=user.email, template="emails/assignment_digest", language=user.language,
            context={"user": user, "waiting": subs_waiting, "overdue": overdue, "soon": soon, "rounds": rounds},
            dedupe_key=f"assignment-digest:{user.pk}:{local.date().isoformat()}", kind="assignment_digest",
            topic=f"digest:{user.pk}",
        )
        sent += row is not None
    return sent

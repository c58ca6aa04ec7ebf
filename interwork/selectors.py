"""Reads for mellomarbeid: the tracking matrix, rates, and "Min side" lists — a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from absolutt import access
from absolutt.notifications.models import OutgoingEmail
from absolutt.notifications.selectors import email_counts_about, emails_about
from municipalities.models import CoreGroupMember, Participant, RoleCategory, covers_required_roles

from .models import WORK_REMINDER_KINDS, Assignment, Extension, Submission


@dataclass
class Cell:
    assignment: Assignment
    participant: Participant
    submission: Submission | None
    reminders: int = 0
    last_reminded: object = None
    pending_extension: bool = False

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else Submission.Status.NOT_STARTED

    @property
    def status_label(self) -> str:
        return str(Submission.Status(self.status).label)

    @property
    def due_at(self):
        return self.submission.effective_due_at if self.submission else self.assignment.due_at

    @property
    def has_extension(self) -> bool:
        return bool(self.submission and self.submission.extended_due_at)

    @property
    def is_open_work(self) -> bool:
        return self.status in Submission.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open_work and timezone.now() > self.due_at

    @property
    def is_not_started(self) -> bool:
        """Work that could have been started: not started, and the assignment is open."""
        return self.status == Submission.Status.NOT_STARTED and self.assignment.is_open

    @property
    def is_late(self) -> bool:
        return bool(self.submission and self.submission.first_delivered_late)

    @property
    def awaiting_review(self) -> bool:
        return self.status == Submission.Status.DELIVERED


class Row(NamedTuple):
    participant: Participant
    cells: list[Cell]

    @property
    def delivered(self) -> int:
        return sum(1 for c in self.cells if c.submission and c.submission.last_delivered_at)

    @property
    def overdue(self) -> int:
        return sum(c.is_overdue for c in self.cells)


@dataclass
class Matrix:
    assignments: list[Assignment]
    rows: list[Row]
    column_counts: list[dict] = field(default_factory=list)
    all_rows: list[Row] | None = None  # before a status filter; the rates are always for every participant

    def column_stats(self):
        """Per assignment: delivered count, delivery rate and on-time rate (of those due)."""
        stats = []
        now = timezone.now()
        rows = self.rows if self.all_rows is None else self.all_rows
        for i, a in enumerate(self.assignments):
            cells = [cells[i] for _p, cells in rows]
            delivered = [c for c in cells if c.submission and c.submission.last_delivered_at]
            due = [c for c in cells if c.due_at <= now] if a.due_at <= now else []
            on_time = [c for c in delivered if not c.is_late]
            n = len(cells)
            stats.append({
                "assignment": a, "n": n, "delivered": len(delivered),
                "overdue": sum(c.is_overdue for c in cells),
                "awaiting_review": sum(c.awaiting_review for c in cells),
                "delivery_rate": round(100 * len(delivered) / n) if n else None,
                "on_time_rate": round(100 * len(on_time) / len(delivered)) if delivered else None,
                "is_due": bool(due),
            })
        return stats


def _cells(assignments: list[Assignment], participants: list[Participant]) -> dict[tuple[int, int], Cell]:
    """The cell of every (participant, assignment) pair of the same round, in three queries however many."""
    of_pk = {a.pk: a for a in assignments}
    subs = Submission.objects.filter(assignment__in=assignments, participant__in=participants).defer("draft_text")
    by_key = {}
    for s in subs:
        s.assignment = of_pk[s.assignment_id]  # the assignments already read (no join, no second copy of each)
        by_key[(s.participant_id, s.assignment_id)] = s
    sub_ids = [s.pk for s in by_key.values()]
    reminded = email_counts_about(Assignment, [a.pk for a in assignments], [p.pk for p in participants],
                                  kinds=WORK_REMINDER_KINDS)
    pending = set(Extension.objects.filter(submission_id__in=sub_ids, status=Extension.Status.REQUESTED)
                  .values_list("submission_id", flat=True))
    cells = {}
    for p in participants:
        for a in assignments:
            if a.round_id != p.round_id:
                continue
            s = by_key.get((p.pk, a.pk))
            n, last = reminded.get((a.pk, p.pk), (0, None))
            cells[(p.pk, a.pk)] = Cell(a, p, s, n, last, bool(s and s.pk in pending))
    return cells


def matrix(round_, participants: QuerySet[Participant], *, status_filter: str = "") -> Matrix:
    assignments = list(Assignment.objects.filter(round=round_).select_related("due_before").order_by("due_at", "pk"))
    people = list(participants.select_related("municipality", "county", "coordinator"))
    by_pair = _cells(assignments, people)
    rows, all_rows = [], []
    for p in people:
        cells = [by_pair[(p.pk, a.pk)] for a in assignments]
        all_rows.append(Row(p, cells))
        if status_filter == "overdue" and not any(c.is_overdue for c in cells):
            continue
        if status_filter == "not_started" and not any(c.is_not_started for c in cells):
            continue
        if status_filter == "awaiting_review" and not any(c.awaiting_review for c in cells):
            continue
        rows.append(Row(p, cells))
    return Matrix(assignments, rows, all_rows=all_rows)


def newest_reminder() -> int:
    """The id of the newest row in the outbox: it changes with every reminder queued, also in bulk."""
    return OutgoingEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def participants_work(participants) -> dict[int, list[Cell]]:
    """Every assignment of each participant's round with its cell (Min side, the municipality's own pages),
    for any number of participants in a fixed number of queries."""
    people = list(participants)
    assignments = list(Assignment.objects.filter(round_id__in={p.round_id for p in people})
                       .select_related("due_before").order_by("due_at", "pk"))
    by_pair = _cells(assignments, people)
    return {p.pk: [by_pair[(p.pk, a.pk)] for a in assignments if a.round_id == p.round_id] for p in people}


def participant_work(participant: Participant) -> list[Cell]:
    """Every assignment of the participant's round with its cell (for the municipality's own pages)."""
    return participants_work([participant])[participant.pk]


def submission_or_new(*, assignment: Assignment, participant: Participant) -> Submission:
    """The participant's submission for the assignment, or an unsaved one ("nothing yet") when there is none:
    reading a page writes nothing; the first save creates the row (``services.submission_for``)."""
    existing = Submission.objects.filter(assignment=assignment, participant=participant).first()
    return existing or Submission(assignment=assignment, participant=participant)


def reminder_log(submission: Submission) -> QuerySet[OutgoingEmail]:
    """Every e-mail about this piece of work: reminders, notices, review and extension e-mails."""
    return emails_about(submission.assignment, party=submission.participant)


def levels_covered(submission: Submission) -> tuple[bool, bool]:
    if submission.pk is None:
        return False, False
    covered = covers_required_roles(submission.contributors.values_list("role_category", flat=True))
    return covered[RoleCategory.ELECTED], covered[RoleCategory.ADMINISTRATIVE]


def review_queue(round_ids) -> QuerySet[Submission]:
    return Submission.objects.filter(assignment__round_id__in=round_ids, status=Submission.Status.DELIVERED).select_related(
        "assignment", "participant__municipality", "participant__county").order_by("last_delivered_at")


def feed_deadlines(user) -> QuerySet[Assignment]:
    """The mellomarbeid deadlines in a person's calendar feed: the assignments of the rounds where they
    coordinate or sit in the core group of a participant (the same rounds as the samlinger in the feed), or
    run the round."""
    coordinated = access.coordinated_participants(user).values("round_id")
    member_rounds = CoreGroupMember.objects.filter(is_active=True).filter(
        Q(user=user) | Q(email__iexact=user.email)).values("participant__round_id")
    return Assignment.objects.filter(
        Q(round_id__in=coordinated) | Q(round_id__in=member_rounds) | Q(round__in=access.managed_rounds(user))
    ).select_related("round").order_by("due_at", "pk")

def assignments_count(round_) -> int:
    return Assignment.objects.filter(round=round_).aggregate(n=Count("pk"))["n"]


def submission_counts(round_):
    return Submission.objects.filter(assignment__round=round_).aggregate(
        delivered=Count("pk", filter=Q(last_delivered_at__isnull=False)),
        awaiting=Count("pk", filter=Q(status=Submission.Status.DELIVERED)),
    )

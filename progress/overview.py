"""Progress across regions, rounds and participants: the measures of the national view and its drill-down.

Every selector here costs a fixed number of queries, however many regions, rounds, participants,
registrations, submissions and answers there are: each measure is one grouped aggregate (``values()`` +
``annotate(Count(..., filter=...))``) over the rounds in scope, and the levels above a participant are sums
of the levels below, made in Python from those few rows.

Definitions (the same at every level; a level's numbers are the sums of the level below):

* **Participants**: participants (municipalities and county municipalities) in the rounds.
* **Core-group composition**: the share of participants whose *active* core group has at least one
  elected official (folkevalgt), at least one administrative leader, at least one children and youth
  representative (the programme rule of ``municipalities.models.CoreGroupComposition``).
* **Samlinger held / coming**: a samling is *held* once it has ended (``ends_at <= now``), otherwise coming.
* **Attendance rate** = people marked present / people registered (status REGISTERED) at held samlinger
  *where attendance was taken* (at least one registration marked present or absent). A held samling where
  nobody was checked in is left out instead of counting as 0 %.
* **Delivery rate** = submissions delivered at least once (``last_delivered_at`` set) for assignments
  already due (``Assignment.due_at <= now``) / (participants × assignments already due). A missing
  submission row counts as not delivered.
* **On-time rate** = delivered submissions whose first delivery was not late (``first_delivered_late`` is
  false) / delivered submissions (every assignment: a delivery before the due time is on time).
* **Overdue** = open work past its effective due time (the granted extension, else the assignment's due
  time): status not started, draft or returned for revision, as in the mellomarbeid matrix
  (``interwork.selectors.Cell.is_overdue``); an assignment without a submission row counts as not started.
* **Evaluation response rate** = invitations answered / invitations sent, for the evaluations of the
  rounds' samlinger (for one participant: the invitations sent to its registered people).
* **Shared core result**: for each question of the national shared core (``EvaluationQuestion.core_key``
  with ``is_core``), the distribution of the answers over i liten / i noen / i stor grad (1–3) and the mean,
  from the anonymity boundary (``sessions_app.anonymity``): a samling's answers to a question count only when
  there are at least k (5) of them, and a round's, region's or the country's result is the sum of the
  samlinger that count, so that no total can be used to work out a hidden samling. **Answers** = the people
  whose answers are counted (respondents at samlinger with a shown result), not answers × questions.
  Answers are anonymous and not linked to a municipality, so there is no result per participant.

Participants at risk, with the reason(s):

* **two deliveries missed in a row**: among the round's assignments already due, in due order, two
  consecutive ones the participant has not delivered although their effective due time has passed;
* **no elected official** / **no administrative leader** in the active core group (the programme rule);
* **nobody at the last fellessamling**: nobody from the participant was marked present at the round's
  latest held fellessamling where attendance was taken.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interwork.models import Assignment, Submission
from municipalities.models import Participant, RoleCategory
from programmes.models import Region, Round
from sessions_app import anonymity
from sessions_app.models import EvaluationInvite, EvaluationQuestion, Gathering, Registration


def rate(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in per cent with one decimal; ``None`` when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


# --- Measures ------------------------------------------------------------------------------------------

@dataclass
class Measures:
    """Counts for one level (participant, round, region, nation). Rates are properties over the counts, so
    that adding two levels gives the right rate for both together."""

    participants: int = 0
    with_elected: int = 0
    with_administrative: int = 0
    with_youth: int = 0
    gatherings_held: int = 0
    gatherings_coming: int = 0
    registered: int = 0  # registered (status REGISTERED) at held samlinger with attendance taken
    attended: int = 0
    due_slots: int = 0  # participants × assignments already due
    delivered_due: int = 0
    delivered: int = 0
    delivered_on_time: int = 0
    overdue: int = 0
    invites: int = 0
    answered: int = 0

    def __add__(self, other: Measures) -> Measures:
        return Measures(*(getattr(self, f) + getattr(other, f) for f in _FIELDS))

    @property
    def elected_share(self) -> float | None:
        return rate(self.with_elected, self.participants)

    @property
    def administrative_share(self) -> float | None:
        return rate(self.with_administrative, self.participants)

    @property
    def youth_share(self) -> float | None:
        return rate(self.with_youth, self.participants)

    @property
    def attendance_rate(self) -> float | None:
        return rate(self.attended, self.registered)

    @property
    def delivery_rate(self) -> float | None:
        return rate(self.delivered_due, self.due_slots)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.delivered_on_time, self.delivered)

    @property
    def response_rate(self) -> float | None:
        return rate(self.answered, self.invites)


_FIELDS = tuple(f.name for f in fields(Measures))


def _total(items) -> Measures:
    out = Measures()
    for m in items:
        out = out + m
    return out


@dataclass
class CoreResult:
    """One shared-core question at one level, as the anonymity boundary gives it: ``counts`` ([liten, noen,
    stor]) and ``mean`` are ``None`` when no samling at that level has enough answers."""

    key: str
    text: str
    cell: anonymity.Cell

    @property
    def n(self) -> int:
        return self.cell.n

    @property
    def counts(self) -> list[int] | None:
        return list(self.cell.counts) if self.cell.counts is not None else None

    @property
    def mean(self) -> float | None:
        return self.cell.mean

    @property
    def hidden(self) -> bool:
        return self.cell.hidden

    @property
    def left_out(self) -> bool:
        return self.cell.left_out

    @property
    def shares(self) -> list[float] | None:
        return self.cell.shares


@dataclass
class CoreResults:
    """The shared core at one level: a result per question and the people whose answers are counted."""

    results: list[CoreResult]
    respondents: int

    def __iter__(self):
        return iter(self.results)


def _core_results(leaves: anonymity.CoreLeaves, round_ids: list[int], texts: dict[str, str]) -> CoreResults:
    found = {key for rid in round_ids for cells in leaves.cells.get(rid, {}).values() for key in cells}
    keys = list(texts) + sorted(k for k in found if k not in texts)
    return CoreResults([CoreResult(key, texts.get(key, key), leaves.total(round_ids, key)) for key in keys],
                       leaves.counted_respondents(round_ids))


# --- At risk -----------------------------------------------------------------------------------------

class Reason:
    MISSED_TWO = "missed_two"
    NO_ELECTED = "no_elected"  # COMPOSITION_REASONS below
    NO_ADMINISTRATIVE = "no_administrative"
    NOBODY_AT_LAST = "nobody_at_last"

    labels = {
        MISSED_TWO: _("Two mellomarbeid deliveries missed in a row"),
        NO_ELECTED: _("No elected official (folkevalgt) in the kjernegruppe"),
        NO_ADMINISTRATIVE: _("No administrative leader in the kjernegruppe"),
        NOBODY_AT_LAST: _("Nobody at the last fellessamling"),
    }


COMPOSITION_REASONS = {RoleCategory.ELECTED: Reason.NO_ELECTED, RoleCategory.ADMINISTRATIVE: Reason.NO_ADMINISTRATIVE}


@dataclass
class AtRisk:
    participant: Participant
    round: Round
    reasons: list[str]
    last_fellessamling: Gathering | None = None

    @property
    def reason_labels(self) -> list[str]:
        labels = []
        for r in self.reasons:
            label = str(Reason.labels[r])
            if r == Reason.NOBODY_AT_LAST and self.last_fellessamling is not None:
                label = f"{label} ({self.last_fellessamling.title})"
            labels.append(label)
        return labels


# --- Result shapes -------------------------------------------------------------------------------------

@dataclass
class ParticipantRow:
    participant: Participant
    measures: Measures
    at_risk: list[str] = field(default_factory=list)  # reason codes

    @property
    def has_elected(self) -> bool:
        return bool(self.measures.with_elected)

    @property
    def has_administrative(self) -> bool:
        return bool(self.measures.with_administrative)

    @property
    def has_youth(self) -> bool:
        return bool(self.measures.with_youth)


@dataclass
class RoundRow:
    round: Round
    measures: Measures
    core: CoreResults


@dataclass
class RegionRow:
    region: Region
    measures: Measures
    rounds: list[RoundRow]
    core: CoreResults


@dataclass
class NationalOverview:
    measures: Measures
    regions: list[RegionRow]
    core: CoreResults
    at_risk: list[AtRisk]
    core_keys: list[tuple[str, str]]  # (key, text) in the national core's order


@dataclass
class RegionOverview:
    region: Region
    measures: Measures
    rounds: list[RoundRow]
    core: CoreResults
    at_risk: list[AtRisk]
    core_keys: list[tuple[str, str]]


@dataclass
class GatheringRow:
    gathering: Gathering
    held: bool
    attendance_taken: bool
    registered: int
    waiting: int
    attended: int
    invites: int
    answered: int

    @property
    def attendance_rate(self) -> float | None:
        return rate(self.attended, self.registered) if self.held and self.attendance_taken else None

    @property
    def response_rate(self) -> float | None:
        return rate(self.answered, self.invites)


@dataclass
class AssignmentRow:
    assignment: Assignment
    is_due: bool
    participants: int
    delivered: int
    delivered_on_time: int
    overdue: int

    @property
    def delivery_rate(self) -> float | None:
        return rate(self.delivered, self.participants) if self.is_due else None

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.delivered_on_time, self.delivered)


@dataclass
class RoundOverview:
    round: Round
    measures: Measures
    participants: list[ParticipantRow]
    gatherings: list[GatheringRow]
    assignments: list[AssignmentRow]
    core: CoreResults
    at_risk: list[AtRisk]


@dataclass
class ParticipantOverview:
    participant: Participant
    round: Round
    measures: Measures
    at_risk: list[str]
    last_fellessamling: Gathering | None
    gatherings: list[GatheringRow]
    composition: dict


# --- The snapshot: every per-participant count in a fixed number of queries ------------------------------

@dataclass
class _RoundInfo:
    round: Round
    held: int = 0
    coming: int = 0
    due_assignment_ids: list[int] = field(default_factory=list)  # in due order
    past_due: int = 0  # assignments whose own due time has passed (for rows that do not exist)
    last_joint: Gathering | None = None
    invites: int = 0
    answered: int = 0


@dataclass
class _Snapshot:
    rounds: list[Round]
    info: dict[int, _RoundInfo]
    participants: list[Participant]
    per_participant: dict[int, Measures]
    reasons: dict[int, list[str]]
    core: anonymity.CoreLeaves
    core_texts: dict[str, str]
    gatherings: list[Gathering]
    assignments: list[Assignment]
    by_round: dict[int, list[Participant]] = field(default_factory=dict)

    def __post_init__(self):
        for p in self.participants:
            self.by_round.setdefault(p.round_id, []).append(p)

    def round_measures(self, round_id: int) -> Measures:
        info = self.info[round_id]
        m = _total(self.per_participant[p.pk] for p in self.by_round.get(round_id, ()))
        m.gatherings_held, m.gatherings_coming = info.held, info.coming
        # every invitation of the round, also those whose registration is gone
        m.invites, m.answered = info.invites, info.answered
        return m

    def at_risk(self, *, include_completed: bool = True) -> list[AtRisk]:
        out = []
        for p in self.participants:
            reasons = self.reasons.get(p.pk)
            info = self.info[p.round_id]
            if not reasons or (not include_completed and info.round.status == Round.Status.COMPLETED):
                continue
            out.append(AtRisk(p, info.round, reasons, info.last_joint))
        out.sort(key=lambda a: (-len(a.reasons), a.round.region.name, a.round.title, a.participant.name))
        return out

    def core_keys(self) -> list[tuple[str, str]]:
        return list(self.core_texts.items())


def _snapshot(rounds_qs: QuerySet[Round], *, participant: Participant | None = None, now: datetime | None = None,
              with_core: bool = True) -> _Snapshot:
    """Queries: rounds, participants (with composition), samlinger, assignments, registrations, submissions,
    delivered-or-extended rows, invitations, and (``with_core``) the shared core's texts and answers."""
    now = now or timezone.now()
    rounds = list(rounds_qs.select_related("region").order_by("region__name", "-starts_on", "title"))
    round_ids = [r.pk for r in rounds]
    info = {r.pk: _RoundInfo(r) for r in rounds}

    participants_qs = Participant.objects.filter(round_id__in=round_ids)
    if participant is not None:
        participants_qs = participants_qs.filter(pk=participant.pk)

    participants = list(
        participants_qs.select_related("municipality", "county")
        .only("round_id", "coordinator_id", "municipality__name", "municipality__short_name", "county__name")
        .with_composition()
        .order_by("round_id", "municipality__short_name", "county__name", "pk"))
    per: dict[int, Measures] = {}

    # Samlinger: held/coming per round; the latest held fellessamling with attendance taken.
    taken = Registration.objects.filter(gathering=OuterRef("pk")).filter(attended__isnull=False)
    gatherings = list(Gathering.objects.filter(round_id__in=round_ids).annotate(attendance_taken=Exists(taken))
                      .order_by("starts_at", "pk"))
    attendance_ids, last_joint_ids = [], []
    for g in gatherings:
        ri = info[g.round_id]
        if g.is_held_at(now):
            ri.held += 1
            if g.attendance_taken:
                attendance_ids.append(g.pk)
                if g.kind == Gathering.Kind.JOINT:
                    ri.last_joint = g  # ordered by start: the last one wins
        else:
            ri.coming += 1
    last_joint_ids = [ri.last_joint.pk for ri in info.values() if ri.last_joint is not None]

    assignments = list(Assignment.objects.filter(round_id__in=round_ids).order_by("due_at", "pk"))
    for a in assignments:
        ri = info[a.round_id]
        if a.due_at <= now:
            ri.due_assignment_ids.append(a.pk)
        if a.due_at < now:
            ri.past_due += 1

    for p in participants:
        ri = info[p.round_id]
        per[p.pk] = Measures(
            participants=1, with_elected=int(p.n_elected > 0), with_administrative=int(p.n_administrative > 0),
            with_youth=int(p.n_youth > 0), gatherings_held=ri.held, gatherings_coming=ri.coming,
            due_slots=len(ri.due_assignment_ids), overdue=ri.past_due,  # rows found below take their own share
        )

    def scoped(qs, path="participant_id"):
        return qs.filter(**{path: participant.pk}) if participant is not None else qs

    # Attendance at held samlinger (with attendance taken), and at each round's last fellessamling.
    attended_last: dict[int, int] = defaultdict(int)
    registered = Q(status=Registration.Status.REGISTERED)
    for row in (scoped(Registration.objects.filter(gathering_id__in=attendance_ids))
                .values("participant_id")
                .annotate(n=Count("pk", filter=registered),
                          present=Count("pk", filter=registered & Q(attended=True)),
                          present_last=Count("pk", filter=registered & Q(attended=True, gathering_id__in=last_joint_ids)))
                .order_by()):
        m = per.get(row["participant_id"])
        if m is not None:
            m.registered, m.attended = row["n"], row["present"]
            attended_last[row["participant_id"]] = row["present_last"]

    # Mellomarbeid: one row per participant.
    delivered = Q(last_delivered_at__isnull=False)
    overdue = Submission.objects.overdue_q(now)
    for row in (scoped(Submission.objects.filter(assignment__round_id__in=round_ids))
                .values("participant_id")
                .annotate(delivered_due=Count("pk", filter=delivered & Q(assignment__due_at__lte=now)),
                          delivered=Count("pk", filter=delivered),
                          on_time=Count("pk", filter=delivered & Q(first_delivered_late=False)),
                          overdue=Count("pk", filter=overdue),
                          rows_past_due=Count("pk", filter=Q(assignment__due_at__lt=now)))
                .order_by()):
        m = per.get(row["participant_id"])
        if m is None:
            continue
        m.delivered_due, m.delivered, m.delivered_on_time = row["delivered_due"], row["delivered"], row["on_time"]
        # rows not there are not started and overdue once the assignment's due time has passed
        m.overdue = row["overdue"] + (m.overdue - row["rows_past_due"])

    # Missed deliveries: a due assignment is *not* missed when delivered, or when an extension is still running.
    due_ids = [a for ri in info.values() for a in ri.due_assignment_ids]
    saved: set[tuple[int, int]] = set(
        scoped(Submission.objects.filter(assignment_id__in=due_ids))
        .filter(delivered | Q(extended_due_at__gt=now))
        .values_list("participant_id", "assignment_id").order_by()
    )

    # Evaluation invitations, per round and per participant (an invitation may have lost its registration).
    for row in (scoped(EvaluationInvite.objects.filter(evaluation__gathering__round_id__in=round_ids),
                       "registration__participant_id")
                .values("evaluation__gathering__round_id", "registration__participant_id")
                .annotate(n=Count("pk"), answered=Count("pk", filter=Q(answered_on__isnull=False)))
                .order_by()):
        ri = info[row["evaluation__gathering__round_id"]]
        ri.invites += row["n"]
        ri.answered += row["answered"]
        m = per.get(row["registration__participant_id"])
        if m is not None:
            m.invites += row["n"]
            m.answered += row["answered"]

    # At risk.
    reasons: dict[int, list[str]] = {}
    for p in participants:
        ri, m, found = info[p.round_id], per[p.pk], []
        streak = 0
        for a_id in ri.due_assignment_ids:
            streak = 0 if (p.pk, a_id) in saved else streak + 1
            if streak >= 2:
                found.append(Reason.MISSED_TWO)
                break
        composition = p.composition()
        found.extend(COMPOSITION_REASONS[category] for category in composition.missing_required)
        if ri.last_joint is not None and not attended_last.get(p.pk):
            found.append(Reason.NOBODY_AT_LAST)
        if found:
            reasons[p.pk] = found

    # The shared core: leaf cells per samling and key, from the anonymity boundary (never per participant).
    core_texts: dict[str, str] = {}
    core = anonymity.CoreLeaves({}, {})
    if with_core:
        for key, text in (EvaluationQuestion.objects.filter(evaluation__isnull=True, round__isnull=True, is_core=True)
                          .order_by("order", "pk").values_list("core_key", "text")):
            core_texts.setdefault(key, text)
        core = anonymity.core_leaves(round_ids)

    return _Snapshot(rounds, info, participants, per, reasons, core, core_texts, gatherings, assignments)


def _round_rows(snap: _Snapshot) -> list[RoundRow]:
    return [RoundRow(r, snap.round_measures(r.pk), _merged_core(snap, [r.pk])) for r in snap.rounds]


def _merged_core(snap: _Snapshot, round_ids) -> CoreResults:
    return _core_results(snap.core, list(round_ids), snap.core_texts)


# --- Public selectors ------------------------------------------------------------------------------------

def national_overview(rounds_qs: QuerySet[Round] | None = None, *, now: datetime | None = None) -> NationalOverview:
    """Every region (also those without rounds) with its rounds, the national totals, the shared core
    results per level and the participants at risk in rounds that are not completed. Twelve queries."""
    rounds_qs = Round.objects.all() if rounds_qs is None else rounds_qs
    snap = _snapshot(rounds_qs, now=now)
    by_region: dict[int, list[RoundRow]] = defaultdict(list)
    for row in _round_rows(snap):
        by_region[row.round.region_id].append(row)
    regions = []
    for region in Region.objects.order_by("name"):
        rows = by_region.get(region.pk, [])
        regions.append(RegionRow(region, _total(r.measures for r in rows), rows,
                                 _merged_core(snap, [r.round.pk for r in rows])))
    return NationalOverview(
        measures=_total(r.measures for r in regions), regions=regions,
        core=_merged_core(snap, [r.pk for r in snap.rounds]),
        at_risk=snap.at_risk(include_completed=False), core_keys=snap.core_keys(),
    )


def region_overview(region: Region, rounds_qs: QuerySet[Round], *, now: datetime | None = None) -> RegionOverview:
    """One region: its rounds in ``rounds_qs`` with their measures, the region's totals and core results,
    and the participants at risk in its rounds that are not completed. Eleven queries."""
    snap = _snapshot(rounds_qs.filter(region=region), now=now)
    rows = _round_rows(snap)
    return RegionOverview(
        region=region, measures=_total(r.measures for r in rows), rounds=rows,
        core=_merged_core(snap, [r.pk for r in snap.rounds]), at_risk=snap.at_risk(include_completed=False),
        core_keys=snap.core_keys(),
    )


def round_overview(round_: Round, *, now: datetime | None = None) -> RoundOverview:
    """One round: its measures, every participant's measures and risk reasons, each samling (registered,
    attended, evaluation response) and each assignment (delivered, on time, overdue). Fourteen queries."""
    now = now or timezone.now()
    snap = _snapshot(Round.objects.filter(pk=round_.pk), now=now)
    round_ = snap.rounds[0] if snap.rounds else round_
    measures = snap.round_measures(round_.pk)
    participants = [ParticipantRow(p, snap.per_participant[p.pk], snap.reasons.get(p.pk, [])) for p in snap.participants]
    gatherings = _gathering_rows(snap.gatherings, Registration.objects.filter(gathering__round=round_),
                                 EvaluationInvite.objects.filter(evaluation__gathering__round=round_), now)

    delivered = Q(last_delivered_at__isnull=False)
    overdue = Submission.objects.overdue_q(now)
    per_assignment = {
        row["assignment_id"]: row
        for row in Submission.objects.filter(assignment__round=round_).values("assignment_id").annotate(
            rows=Count("pk"), delivered=Count("pk", filter=delivered),
            on_time=Count("pk", filter=delivered & Q(first_delivered_late=False)), overdue=Count("pk", filter=overdue),
        ).order_by()
    }
    n = len(snap.participants)
    assignments = []
    for a in snap.assignments:
        row = per_assignment.get(a.pk, {"rows": 0, "delivered": 0, "on_time": 0, "overdue": 0})
        missing_overdue = (n - row["rows"]) if a.due_at < now else 0
        assignments.append(AssignmentRow(a, a.due_at <= now, n, row["delivered"], row["on_time"],
                                         row["overdue"] + missing_overdue))
    return RoundOverview(
        round=round_, measures=measures, participants=participants, gatherings=gatherings, assignments=assignments,
        core=_merged_core(snap, [round_.pk]), at_risk=snap.at_risk(),
    )


def participant_overview(participant: Participant, *, now: datetime | None = None) -> ParticipantOverview:
    """One participant: its measures, its risk reasons and, per samling of its round, how many of its people
    registered, attended and answered the evaluation. Eleven queries. The shared core is not shown per
    participant: the answers are anonymous."""
    now = now or timezone.now()
    snap = _snapshot(Round.objects.filter(pk=participant.round_id), participant=participant, now=now, with_core=False)
    p = snap.participants[0]
    measures = snap.per_participant[p.pk]
    gatherings = _gathering_rows(snap.gatherings, Registration.objects.filter(participant=p),
                                 EvaluationInvite.objects.filter(registration__participant=p), now)
    return ParticipantOverview(
        participant=p, round=snap.info[p.round_id].round, measures=measures, at_risk=snap.reasons.get(p.pk, []),
        last_fellessamling=snap.info[p.round_id].last_joint, gatherings=gatherings,
        composition=_composition(p),
    )


def participants_at_risk(rounds_qs: QuerySet[Round], *, now: datetime | None = None) -> list[AtRisk]:
    """Participants of the rounds with at least one reason; most reasons first. Eight queries."""
    return _snapshot(rounds_qs, now=now, with_core=False).at_risk()


def _composition(participant: Participant) -> dict[str, int]:
    """Active members per role category that the programme rule looks at (one query)."""
    c = Participant.objects.with_composition().get(pk=participant.pk).composition()
    return {"active": c.active, "elected": c.elected, "administrative": c.administrative, "youth": c.youth}


def _gathering_rows(gatherings: list[Gathering], registrations: QuerySet[Registration],
                    invites: QuerySet[EvaluationInvite], now: datetime) -> list[GatheringRow]:
    registered = Q(status=Registration.Status.REGISTERED)
    regs = {
        row["gathering_id"]: row
        for row in registrations.values("gathering_id").annotate(
            n=Count("pk", filter=registered), waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)),
            present=Count("pk", filter=registered & Q(attended=True)),
        ).order_by()
    }
    inv = {
        row["evaluation__gathering_id"]: row
        for row in invites.values("evaluation__gathering_id").annotate(
            n=Count("pk"), answered=Count("pk", filter=Q(answered_on__isnull=False))).order_by()
    }
    out = []
    for g in gatherings:
        r = regs.get(g.pk, {"n": 0, "waiting": 0, "present": 0})
        i = inv.get(g.pk, {"n": 0, "answered": 0})
        out.append(GatheringRow(g, g.is_held_at(now), bool(g.attendance_taken), r["n"], r["waiting"], r["present"],
                                i["n"], i["answered"]))
    return out

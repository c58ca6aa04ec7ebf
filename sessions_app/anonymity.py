"""The anonymity boundary of the evaluations: the one module that reads evaluation answers.

Every number, chart, comment list, trend, national figure and export derived from the answers comes from
here; no view, selector or export reads ``EvaluationAnswer`` itself (``tests/sessions_app/test_anonymity.py`` checks the
source for that). The rules (``docs/EVALUATION_THREAT_MODEL.md`` argues them):

* **Small cells** (``k`` = ``settings.ABSOLUTT_EVALUATION_MIN_ANSWERS``, 5): the answers to one question at
  one samling are a *leaf cell*. A leaf with fewer than ``k`` answers is hidden: no distribution, no mean, no
  comments. The same rule holds for every breakdown (per role category) and there is no breakdown per
  municipality at all (answers are not linked to one).
* **Complementary suppression, by construction**: a total over several samlinger (a round, a region, the
  country; a question across a round) is computed **only over its shown leaves**. Every number on every page
  is therefore a sum of leaves that have at least ``k`` answers each, and no sum or difference of shown
  numbers can contain a hidden leaf: "region minus the shown samlinger" gives a sum of shown samlinger, never
  the hidden one. The price is that totals leave out small samlinger; the pages say so.
* **Breakdowns of one shown cell** (per role category) cannot leave their parts out, because the cell's own
  total is shown: there the classic secondary suppression applies. Categories below ``k`` are hidden, and
  while the hidden ones together hold fewer than ``k`` answers (so that "total minus shown" would reveal
  them), the smallest shown category is hidden too.
* **Other kinds of question**: a multiple-choice question shows how many ticked each option only when at
  least ``k`` answered it; free text only when at least ``k`` wrote something (and the evaluation has ``k``
  responses).
* **Exports** get the same aggregates, and answer rows only when the samling has at least ``k`` responses,
  without the role category (which can single a person out), in random order, with the columns of hidden
  questions left out.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q

from .models import Evaluation, EvaluationAnswer, EvaluationQuestion, EvaluationResponse, Gathering

SCALE = (1, 2, 3)  # i liten grad, i noen grad, i stor grad


def min_answers() -> int:
    """k: the fewest answers a shown result may rest on."""
    return int(getattr(settings, "ABSOLUTT_EVALUATION_MIN_ANSWERS", 5))


# --- Cells ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    """Answers on the three-point scale at one level. ``n`` is the number of answers the shown numbers
    rest on (0 when hidden); ``counts`` ([liten, noen, stor]) and ``mean`` are ``None`` when hidden.
    ``left_out`` tells that answers exist that are not in the numbers (a hidden leaf, or hidden leaves
    left out of a total)."""

    n: int
    counts: tuple[int, int, int] | None
    left_out: bool = False

    @property
    def hidden(self) -> bool:
        return self.counts is None

    @property
    def mean(self) -> float | None:
        if self.counts is None or not self.n:
            return None
        return round(sum(v * c for v, c in zip(SCALE, self.counts, strict=True)) / self.n, 2)

    @property
    def shares(self) -> list[float] | None:
        """Per cent of the answers per scale step, one decimal."""
        if self.counts is None or not self.n:
            return None
        return [round(100 * c / self.n, 1) for c in self.counts]


EMPTY = Cell(0, None)


def leaf(counts: Iterable[int]) -> Cell:
    """The small-cell rule for one question at one samling."""
    counts = tuple(int(c) for c in counts)
    n = sum(counts)
    if n == 0:
        return EMPTY
    if n < min_answers():
        return Cell(0, None, left_out=True)
    return Cell(n, counts)  # type: ignore[arg-type]


def total(cells: Iterable[Cell]) -> Cell:
    """A total over leaves (or over totals of disjoint leaves): the sum of the shown ones only."""
    counts, n, left_out = [0, 0, 0], 0, False
    for c in cells:
        left_out = left_out or c.left_out
        if c.counts is None:
            continue
        n += c.n
        for i, v in enumerate(c.counts):
            counts[i] += v
    if n == 0:
        return Cell(0, None, left_out=left_out)
    return Cell(n, tuple(counts), left_out=left_out)  # type: ignore[arg-type]


def _suppressed(sizes: dict[str, int]) -> set[str]:
    """Secondary suppression over the parts of one total: the parts below k, and then the smallest of the
    others too, until the hidden parts together hold none or at least k (so "total minus the shown parts"
    never gives fewer than k)."""
    k = min_answers()
    hidden = {key for key, n in sizes.items() if 0 < n < k}
    while 0 < sum(sizes[key] for key in hidden) < k:
        shown = sorted((n, key) for key, n in sizes.items() if n and key not in hidden)
        if not shown:
            break
        hidden.add(shown[0][1])
    return hidden


def breakdown(parts: dict[str, Iterable[int]]) -> dict[str, Cell]:
    """Parts of one shown total (e.g. per role category) with secondary suppression (``_suppressed``)."""
    raw = {key: tuple(int(c) for c in counts) for key, counts in parts.items()}
    sizes = {key: sum(c) for key, c in raw.items() if sum(c)}
    hidden = _suppressed(sizes)
    return {key: (Cell(0, None, left_out=True) if key in hidden else Cell(sizes[key], raw[key]))  # type: ignore[arg-type]
            for key in sizes}


def kept_roles(answered: dict[str, int]) -> set[str]:
    """The role categories a released response may keep, from how many people *of each registered role*
    have answered (the invitations): a role with fewer than k answered is dropped, with its complement, so
    that a database reader who matches a response's role with the answered invitations always finds at
    least k people with it — and at least k among those whose role was dropped. "" (unknown) is never kept."""
    hidden = _suppressed({key: n for key, n in answered.items() if n})
    return {key for key, n in answered.items() if n >= min_answers() and key not in hidden and key}


# --- One samling ---------------------------------------------------------------------------------------

@dataclass
class QuestionResult:
    """One question of one evaluation. The scale: ``cell`` (hidden below k) and the split per role; multiple
    choice: ``options`` as (label, ticked, per cent of those who answered), ``None`` below k answers; free
    text: the texts in ``comments``, only with at least k of them. "Utdyp" comments only where the
    question's own result is shown."""

    question: EvaluationQuestion
    cell: Cell
    answered: bool  # anybody answered (shown as "< k" when hidden)
    comments: list[str]
    by_role: dict[str, Cell] = field(default_factory=dict)
    options: list[tuple[str, int, float]] | None = None
    choice_n: int = 0

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def hidden(self) -> bool:
        if self.kind == EvaluationQuestion.Kind.CHOICE:
            return self.options is None
        if self.kind == EvaluationQuestion.Kind.TEXT:
            return not self.comments
        return self.cell.hidden

    @property
    def n(self) -> int:
        return self.choice_n if self.kind == EvaluationQuestion.Kind.CHOICE else self.cell.n

    @property
    def counts(self) -> list[int] | None:
        return list(self.cell.counts) if self.cell.counts is not None else None

    @property
    def mean(self) -> float | None:
        return self.cell.mean

    @property
    def shares(self) -> list[float] | None:
        return self.cell.shares


def _value_counts():
    return {"low": Count("pk", filter=Q(value=1)), "some": Count("pk", filter=Q(value=2)),
            "high": Count("pk", filter=Q(value=3))}


def samling_results(evaluation: Evaluation) -> dict:
    """Response rate, per question its result by kind (see ``QuestionResult``), the split per role
    category, and how many responses there are. Six queries, however many answers."""
    k = min_answers()
    invites = evaluation.invites.aggregate(n=Count("pk"), answered=Count("pk", filter=Q(answered_on__isnull=False)))
    responses = EvaluationResponse.objects.filter(evaluation=evaluation).count()
    questions = list(evaluation.questions.order_by("order", "pk"))
    answers = EvaluationAnswer.objects.filter(response__evaluation=evaluation, value__isnull=False)
    per_question: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for row in answers.values("question_id", "response__role_category").annotate(**_value_counts()).order_by():
        per_question[row["question_id"]][row["response__role_category"]] = [row["low"], row["some"], row["high"]]
    comments: dict[int, list[str]] = defaultdict(list)
    for qid, text in (EvaluationAnswer.objects.filter(response__evaluation=evaluation).exclude(comment="")
                      .values_list("question_id", "comment")):
        comments[qid].append(text)
    ticks: dict[int, list[list[int]]] = defaultdict(list)
    for qid, selected in (EvaluationAnswer.objects.filter(response__evaluation=evaluation,
                                                          question__kind=EvaluationQuestion.Kind.CHOICE)
                          .exclude(selected=[]).values_list("question_id", "selected")):
        ticks[qid].append(selected)
    if responses < k:
        comments.clear()
    out = []
    for q in questions:
        parts = per_question.get(q.pk, {})
        cell = leaf([sum(p[i] for p in parts.values()) for i in range(3)])
        texts = list(comments.get(q.pk, []))
        options, choice_n = None, len(ticks.get(q.pk, []))
        if q.kind == EvaluationQuestion.Kind.CHOICE:
            if choice_n >= k:
                counted = [sum(1 for sel in ticks[q.pk] if i in sel) for i in range(len(q.options))]
                options = [(label, n, round(100 * n / choice_n, 1)) for label, n in zip(q.options, counted, strict=True)]
            else:
                texts = []
        elif q.kind == EvaluationQuestion.Kind.TEXT:
            texts = texts if len(texts) >= k else []
        elif cell.hidden:
            texts = []
        random.shuffle(texts)
        by_role = breakdown(parts) if not cell.hidden else {}
        answered = bool(parts or choice_n or comments.get(q.pk))
        out.append(QuestionResult(q, cell, answered, texts, by_role, options, choice_n if options else 0))
    rate = round(100 * invites["answered"] / invites["n"]) if invites["n"] else None
    return {"invited": invites["n"], "answered": invites["answered"], "response_rate": rate, "questions": out,
            "responses": responses, "min_cell": k}


def no_results(questions: list[EvaluationQuestion]) -> dict:
    """The results of an evaluation that is not made yet, in the shape of ``samling_results``: the questions
    it would ask, nobody invited, no answers. No query."""
    return {"invited": 0, "answered": 0, "response_rate": None,
            "questions": [QuestionResult(q, EMPTY, False, []) for q in questions], "responses": 0,
            "min_cell": min_answers()}


# --- A round's trend -------------------------------------------------------------------------------------

def round_trend(round_) -> tuple[list[Gathering], list[dict]]:
    """The same question (by key) across the round's samlinger: per samling its leaf cell (hidden below k),
    and across the round the total over the shown samlinger. Two queries."""
    gatherings = list(Gathering.objects.filter(round=round_, evaluation__isnull=False).order_by("starts_at", "pk"))
    rows = (EvaluationAnswer.objects.filter(response__evaluation__gathering__round=round_, value__isnull=False)
            .values("question__core_key", "question__text", "response__evaluation__gathering_id")
            .annotate(**_value_counts()).order_by())
    table: dict[str, dict] = {}
    for r in rows:
        key = r["question__core_key"] or r["question__text"][:40]
        entry = table.setdefault(key, {"text": r["question__text"], "cells": {}})
        entry["cells"][r["response__evaluation__gathering_id"]] = leaf([r["low"], r["some"], r["high"]])
    trend = []
    for key, v in table.items():
        cells = [v["cells"].get(g.pk, EMPTY) for g in gatherings]
        trend.append({"key": key, "text": v["text"], "cells": cells, "values": [c.mean for c in cells],
                      "total": total(cells)})
    return gatherings, trend


# --- The shared core across rounds, regions and the country ---------------------------------------------

@dataclass
class CoreLeaves:
    """Per round: per samling, the leaf cell of every shared-core question and how many responded."""

    cells: dict[int, dict[int, dict[str, Cell]]]  # round id -> gathering id -> core key -> leaf
    respondents: dict[int, dict[int, int]]  # round id -> gathering id -> responses with a core answer

    def total(self, round_ids: Iterable[int], key: str) -> Cell:
        return total(c.get(key, EMPTY) for rid in round_ids for c in self.cells.get(rid, {}).values())

    def counted_respondents(self, round_ids: Iterable[int]) -> int:
        """People whose core answers are in the totals: respondents at samlinger with a shown core cell."""
        n = 0
        for rid in round_ids:
            for gid, cells in self.cells.get(rid, {}).items():
                if any(not c.hidden for c in cells.values()):
                    n += self.respondents.get(rid, {}).get(gid, 0)
        return n


def core_leaves(round_ids: list[int]) -> CoreLeaves:
    """The shared core's leaf cells for the rounds. Two queries."""
    cells: dict[int, dict[int, dict[str, Cell]]] = defaultdict(lambda: defaultdict(dict))
    gathering = "question__evaluation__gathering"
    for row in (EvaluationAnswer.objects.filter(question__is_core=True, value__isnull=False,
                                                question__evaluation__gathering__round_id__in=round_ids)
                .values("question__core_key", f"{gathering}__round_id", f"{gathering}_id")
                .annotate(**_value_counts()).order_by()):
        cells[row[f"{gathering}__round_id"]][row[f"{gathering}_id"]][row["question__core_key"]] = leaf(
            [row["low"], row["some"], row["high"]])
    respondents: dict[int, dict[int, int]] = defaultdict(dict)
    for row in (EvaluationResponse.objects.filter(evaluation__gathering__round_id__in=round_ids,
                                                  answers__question__is_core=True, answers__value__isnull=False)
                .values("evaluation__gathering__round_id", "evaluation__gathering_id")
                .annotate(n=Count("pk", distinct=True)).order_by()):
        respondents[row["evaluation__gathering__round_id"]][row["evaluation__gathering_id"]] = row["n"]
    return CoreLeaves(cells, respondents)


# --- Exports -------------------------------------------------------------------------------------------------

def export_rows(evaluation: Evaluation, results: dict) -> tuple[list[EvaluationQuestion], list[list]] | None:
    """Answer rows for the export, or ``None`` when the evaluation has fewer than k responses. Only the
    questions whose result is shown; per question by kind: the scale's value (1–3 or ``None``) and its
    comment, the options ticked (their labels) and the comment, or the free text; no role category, no id;
    rows in random order."""
    questions = [r.question for r in results["questions"] if not r.hidden]
    if results["responses"] < min_answers() or not questions:
        return None
    by_response: dict = defaultdict(dict)
    for rid, qid, value, selected, comment in (
            EvaluationAnswer.objects.filter(response__evaluation=evaluation, question__in=questions)
            .values_list("response_id", "question_id", "value", "selected", "comment")):
        by_response[rid][qid] = (value, selected, comment)
    rows = []
    for answers in by_response.values():
        line: list = []
        for q in questions:
            value, selected, comment = answers.get(q.pk, (None, [], ""))
            if q.kind == EvaluationQuestion.Kind.SCALE:
                line += [value, comment]
            elif q.kind == EvaluationQuestion.Kind.CHOICE:
                line += ["; ".join(q.options[i] for i in selected or [] if i < len(q.options)), comment]
            else:
                line.append(comment)
        rows.append(line)
    random.SystemRandom().shuffle(rows)
    return questions, rows


# --- The end-of-round survey across rounds and regions ---------------------------------------------------

def survey_leaves(round_ids: list[int]) -> dict[int, dict[str, Cell]]:
    """Per round, the end-of-round survey's scale questions by shared key, each a leaf cell (hidden below
    k). A region's or the country's result is ``total`` over its rounds' leaves. One query."""
    cells: dict[int, dict[str, Cell]] = defaultdict(dict)
    for row in (EvaluationAnswer.objects.filter(question__evaluation__survey_round_id__in=round_ids,
                                                question__kind=EvaluationQuestion.Kind.SCALE, value__isnull=False)
                .values("question__evaluation__survey_round_id", "question__core_key")
                .annotate(**_value_counts()).order_by()):
        cells[row["question__evaluation__survey_round_id"]][row["question__core_key"]] = leaf(
            [row["low"], row["some"], row["high"]])
    return cells

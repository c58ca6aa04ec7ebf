"""The national view and its drill-down (region → round → participant), each as a page and as an XLSX file
with every table of the page.

Who sees what (anyone else gets 404, so that nothing is revealed):
- the national page and the region pages: the national lead;
- a round page: the national lead, and the round's regional coordinators and competence partners;
- a participant page: the same, and the participant's own municipal coordinator.

Each page is built once as a list of tables and charts (``Page``); the HTML template and the XLSX export
render the same tables, so the export always has exactly what the page shows. Every chart's numbers are also
in a table on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from absolutt import access, tables
from absolutt.core import fragments
from absolutt.core.markup import escape
from interwork.selectors import participant_work
from programmes.models import Round
from sessions_app import anonymity
from sessions_app.evaluations import SURVEY
from sessions_app.models import EvaluationQuestion

from . import caching
from . import overview as progress

SHORT_CORE = {
    "kunnskap-praksis": gettext_lazy("Knowledge of practice"),
    "handlingsrom": gettext_lazy("Room for action (handlingsrom)"),
    "rolleforstaelse": gettext_lazy("Role understanding"),
    "ansvar": gettext_lazy("Responsibility"),
    "relevans": gettext_lazy("Relevance for the role"),
}


# --- Tables and charts ---------------------------------------------------------------------------------

@dataclass
class Column:
    label: str
    kind: str = "text"  # text | int | pct | mean | date | datetime

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "pct", "mean")


@dataclass
class Cell:
    value: object  # what the spreadsheet gets
    text: str  # what the page shows
    href: str = ""
    numeric: bool = False  # right-aligned on the page


@dataclass
class Row:
    cells: list[Cell]
    total: bool = False


@dataclass
class Table:
    key: str
    title: str
    caption: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    empty: str = ""

    def add(self, values: list, *, href: str = "", total: bool = False, hrefs: dict[int, str] | None = None) -> None:
        cells = []
        for i, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            cell = value if isinstance(value, Cell) else Cell(value, _fmt(value, column.kind))
            cell.numeric = column.numeric
            if i == 0 and href:
                cell.href = href
            if hrefs and i in hrefs:
                cell.href = hrefs[i]
            cells.append(cell)
        self.rows.append(Row(cells, total))

    def html(self) -> SafeString:
        """The table as the page shows it. Written here rather than in a template: the national page has
        thousands of cells, and a template costs many times more per cell."""
        key = escape(self.key)
        out = [f'<div class="table-responsive table-sticky mb-4" tabindex="0" role="region" '
               f'aria-labelledby="caption-{key}">\n<table class="table table-sm table-hover align-middle" id="table-{key}">\n'
               f'  <caption id="caption-{key}">{escape(self.caption)}</caption>\n  <thead><tr>']
        for c in self.columns:
            out.append(f'<th scope="col"{RIGHT if c.numeric else ""}>{escape(c.label)}</th>')
        out.append("</tr></thead>\n  <tbody>\n")
        for row in self.rows:
            out.append(f'    <tr{TOTAL_ROW if row.total else ""}>')
            for i, cell in enumerate(row.cells):
                text = escape(cell.text)
                if cell.href:
                    text = f'<a href="{escape(cell.href)}">{text}</a>'
                if i == 0:
                    out.append(f'<th scope="row"{"" if row.total else NORMAL}>{text}</th>')
                else:
                    out.append(f'<td{NUMBER if cell.numeric else ""}>{text}</td>')
            out.append("</tr>\n")
        if not self.rows:
            out.append(f'    <tr><td colspan="{len(self.columns)}">{escape(self.empty)}</td></tr>\n')
        out.append("  </tbody>\n</table>\n</div>\n")
        return mark_safe("".join(out))  # every value went through escape()


RIGHT, NUMBER, TOTAL_ROW, NORMAL = ' class="text-end"', ' class="text-end text-nowrap"', ' class="table-light fw-semibold"', \
    ' class="fw-normal"'


@dataclass
class Chart:
    key: str
    aria: str
    labels: list[str]
    datasets: list[tuple[str, list]]
    stacked: bool = False
    horizontal: bool = False
    unit: str = "%"
    max: float | None = 100

    @property
    def data(self) -> dict:
        return {"labels": [str(label) for label in self.labels],
                "datasets": [{"label": str(label), "data": data} for label, data in self.datasets],
                "stacked": self.stacked, "horizontal": self.horizontal, "unit": self.unit, "max": self.max}

    @property
    def source_id(self) -> str:
        return f"chart-{self.key}-data"


@dataclass
class Page:
    title: str
    filename: str
    tables: dict[str, Table]
    charts: dict[str, Chart]
    context: dict


def _fmt(value, kind: str) -> str:
    if value is None or value == "":
        return "–"
    if kind == "pct":
        return f"{number_format(value, decimal_pos=1)} %"
    if kind == "mean":
        return number_format(value, decimal_pos=2)
    if kind == "int":
        return number_format(value, decimal_pos=0, force_grouping=True)
    if kind == "date":
        return date_format(timezone.localtime(value) if hasattr(value, "hour") else value, "j.n.Y")
    if kind == "datetime":
        return date_format(timezone.localtime(value), "j.n.Y H:i")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def _measure_columns(*, single: bool = False) -> list[Column]:
    """The measures of a level; ``single`` (one participant) leaves out the count and composition shares."""
    head = [] if single else [Column(_("Participants"), "int"), Column(_("With folkevalgt"), "pct"),
                              Column(_("With youth representative"), "pct")]
    return head + [
        Column(_("Samlinger held"), "int"),
        Column(_("Samlinger coming"), "int"),
        Column(_("Attendance"), "pct"),
        Column(_("Mellomarbeid delivered"), "pct"),
        Column(_("Delivered on time"), "pct"),
        Column(_("Overdue"), "int"),
        Column(_("Evaluation response rate"), "pct"),
    ]


def _measure_values(m: progress.Measures, *, single: bool = False) -> list:
    head = [] if single else [m.participants, m.elected_share, m.youth_share]
    return head + [m.gatherings_held, m.gatherings_coming, m.attendance_rate, m.delivery_rate, m.on_time_rate,
                   m.overdue, m.response_rate]


def _rate_chart(key: str, labels: list[str], measures: list[progress.Measures], what: str) -> Chart:
    return Chart(
        key, _("Attendance, mellomarbeid delivered, delivered on time and evaluation response rate per %(what)s, "
               "in per cent. The same numbers are in the table below.") % {"what": what},
        labels, [(_("Attendance"), [m.attendance_rate for m in measures]),
                 (_("Mellomarbeid delivered"), [m.delivery_rate for m in measures]),
                 (_("Delivered on time"), [m.on_time_rate for m in measures]),
                 (_("Evaluation response rate"), [m.response_rate for m in measures])])


def _composition_chart(key: str, labels: list[str], measures: list[progress.Measures], what: str) -> Chart:
    return Chart(
        key, _("Share of participants with a folkevalgt and with a youth representative in the kjernegruppe per "
               "%(what)s, in per cent. The same numbers are in the table below.") % {"what": what},
        labels, [(_("With folkevalgt"), [m.elected_share for m in measures]),
                 (_("With youth representative"), [m.youth_share for m in measures])])


def _hidden_cell(result: progress.CoreResult, value, kind: str) -> Cell:
    if value is not None:
        return Cell(value, _fmt(value, kind))
    return Cell(None, f"< {anonymity.min_answers()}" if result.left_out else "–")


def _core_table(key: str, results: progress.CoreResults, where: str) -> Table:
    t = Table(key, _("Shared core: answers %(where)s") % {"where": where},
              _("Share of answers per question of the national shared core, on the scale i liten grad (1), i noen "
                "grad (2), i stor grad (3). A samling's answers to a question are counted only where at least "
                "%(n)s answered, so that no total reveals a hidden result; questions without such a samling "
                "are hidden.") % {"n": anonymity.min_answers()},
              [Column(_("Question")), Column(_("Answers"), "int"), Column(_("i liten grad"), "pct"),
               Column(_("i noen grad"), "pct"), Column(_("i stor grad"), "pct"), Column(_("Mean (1–3)"), "mean")],
              empty=_("No evaluation answers yet."))
    for r in results:
        shares = r.shares or [None, None, None]
        answers = r.n if r.n or not r.left_out else Cell(None, f"< {anonymity.min_answers()}")
        t.add([r.text, answers] + [_hidden_cell(r, s, "pct") for s in shares] + [_hidden_cell(r, r.mean, "mean")])
    if not any(r.n or r.left_out for r in results):
        t.rows = []
    return t


def _core_chart(key: str, results: progress.CoreResults, where: str) -> Chart | None:
    shown = [r for r in results if r.shares]
    if not shown:
        return None
    return Chart(key, _("Share of answers per shared core question %(where)s: i liten grad, i noen grad, i stor grad. "
                        "The same numbers are in the table below.") % {"where": where},
                 [str(SHORT_CORE.get(r.key, Truncator(r.text).chars(50))) for r in shown],
                 [(_("i liten grad"), [r.shares[0] for r in shown]), (_("i noen grad"), [r.shares[1] for r in shown]),
                  (_("i stor grad"), [r.shares[2] for r in shown])], stacked=True, horizontal=True)


def _core_means_table(key: str, first: str, rows: list[tuple[str, str, progress.CoreResults]],
                      core_keys: list[tuple[str, str]]) -> Table:
    t = Table(key, _("Shared core: mean per %(what)s") % {"what": first.lower()},
              _("Mean answer (1 = i liten grad, 3 = i stor grad) per shared core question, over the samlinger "
                "where at least %(n)s answered the question. Answers = the people whose answers are counted.")
              % {"n": anonymity.min_answers()},
              [Column(first)] + [Column(str(SHORT_CORE.get(k, Truncator(text).chars(40))), "mean") for k, text in core_keys]
              + [Column(_("Answers"), "int")], empty=_("No evaluation answers yet."))
    for label, href, results in rows:
        by_key = {r.key: r for r in results}
        cells = [_hidden_cell(by_key[k], by_key[k].mean, "mean") if k in by_key else Cell(None, "–")
                 for k, _text in core_keys]
        t.add([label] + cells + [results.respondents], href=href)
    return t


def _survey_table(key: str, title: str, levels: list[tuple[str, list[int]]]) -> Table:
    """The end-of-round survey's scale questions (the study's survey, the same in every round): the mean per
    level (round, region, country) over the rounds whose answers to the question are shown (at least k)."""
    leaves = anonymity.survey_leaves(sorted({rid for _label, ids in levels for rid in ids}))
    t = Table(key, title,
              _("Mean answer (1 = i liten grad, 3 = i stor grad) to the end-of-round survey's questions, the same in "
                "every round, over the rounds where at least %(n)s answered the question; the number of answers "
                "in brackets.") % {"n": anonymity.min_answers()},
              [Column(_("Question"))] + [Column(label) for label, _ids in levels], empty=_("No survey answers yet."))
    for _part, items in SURVEY:
        for kind, key, text in items:
            if kind != EvaluationQuestion.Kind.SCALE:
                continue
            cells = []
            for _label, ids in levels:
                c = anonymity.total(leaves.get(rid, {}).get(key, anonymity.EMPTY) for rid in ids)
                cells.append(Cell(c.mean, f"{_fmt(c.mean, 'mean')} ({c.n})") if not c.hidden
                             else Cell(None, f"< {anonymity.min_answers()}" if c.left_out else "–"))
            t.add([text] + cells)
    if not leaves:
        t.rows = []
    return t


def _at_risk_table(items: list[progress.AtRisk], *, with_round: bool) -> Table:
    columns = [Column(_("Participant"))] + ([Column(_("Round")), Column(_("Region"))] if with_round else []) + [
        Column(_("Reasons"))]
    t = Table("at_risk", _("Participants at risk"),
              _("Participants with two mellomarbeid deliveries missed in a row, without a folkevalgt or an "
                "administrative leader in the kjernegruppe, or with nobody at the last fellessamling."),
              columns, empty=_("No participants at risk."))
    for a in items:
        values = [a.participant.name] + ([a.round.title, a.round.region.name] if with_round else [])
        values.append("; ".join(a.reason_labels))
        hrefs = {1: reverse("progress:round", args=[a.round.pk])} if with_round else None
        t.add(values, href=reverse("progress:participant", args=[a.participant.pk]), hrefs=hrefs)
    return t


# --- Access ------------------------------------------------------------------------------------------------

def _require_national(user) -> None:
    if not access.can_see_national(user):
        raise PermissionDenied


def _round_for(user, pk: int) -> Round:
    """The national lead, and the round's regional coordinators and competence partners; 404 outside the
    user's scope, 403 for others who see the round."""
    round_ = access.get_round_for_user(user, pk)
    if not access.can_see_round_results(user, round_):
        raise PermissionDenied
    return round_


def _participant_for(user, pk: int):
    """As a round, plus the participant's own municipal coordinator. Also whether the user sees the round's
    results (asked once)."""
    participant = access.get_participant_for_user(user, pk)
    can_see_round = access.can_see_round_results(user, participant.round)
    if not access.can_see_participant_progress(user, participant, sees_round_results=can_see_round):
        raise PermissionDenied
    return participant, can_see_round


# --- Pages ---------------------------------------------------------------------------------------------------

def _national_title() -> str:
    return _("Progress in the whole country")


def _national_page(user) -> Page:
    rounds = access.visible_rounds(user)
    o = caching.overview("national", rounds, lambda: progress.national_overview(rounds))
    cols = _measure_columns()
    regions = Table("regions", _("Regions"), _("Measures per region, with the whole country in the last row."),
                    [Column(_("Region"))] + cols)
    for r in o.regions:
        regions.add([r.region.name] + _measure_values(r.measures),
                    href=reverse("progress:region", args=[r.region.slug]))
    regions.add([_("Whole country")] + _measure_values(o.measures), total=True)

    rounds = Table("rounds", _("Rounds"), _("Measures per regional programme round."),
                   [Column(_("Round")), Column(_("Region")), Column(_("Status"))] + cols, empty=_("No rounds yet."))
    for r in o.regions:
        for rr in r.rounds:
            rounds.add([rr.round.title, r.region.name, rr.round.get_status_display()] + _measure_values(rr.measures),
                       href=reverse("progress:round", args=[rr.round.pk]),
                       hrefs={1: reverse("progress:region", args=[r.region.slug])})

    labels = [r.region.name for r in o.regions]
    measures = [r.measures for r in o.regions]
    what = _("region")
    tables = {
        "regions": regions, "rounds": rounds,
        "core": _core_table("core", o.core, _("in the whole country")),
        "core_by_region": _core_means_table(
            "core_by_region", _("Region"),
            [(r.region.name, reverse("progress:region", args=[r.region.slug]), r.core) for r in o.regions]
            + [(_("Whole country"), "", o.core)], o.core_keys),
        "survey_by_region": _survey_table(
            "survey_by_region", _("End-of-round survey: mean per region"),
            [(r.region.name, [rr.round.pk for rr in r.rounds]) for r in o.regions]
            + [(_("Whole country"), [rr.round.pk for r in o.regions for rr in r.rounds])]),
        "at_risk": _at_risk_table(o.at_risk, with_round=True),
    }
    charts = {"rates": _rate_chart("rates", labels, measures, what),
              "composition": _composition_chart("composition", labels, measures, what),
              "core": _core_chart("core", o.core, _("in the whole country"))}
    return Page(_national_title(), "absolutt-nasjonalt", tables, charts, {"overview": o})


def _region_title(region) -> str:
    return _("Progress in %(region)s") % {"region": region.name}


def _region_for(user, slug: str):
    region = access.get_region_for_user(user, slug)
    _require_national(user)
    return region


def _region_page(user, region) -> Page:
    rounds = access.visible_rounds(user)
    o = caching.overview("region", rounds, lambda: progress.region_overview(region, rounds), region.pk)
    rounds = Table("rounds", _("Rounds"), _("Measures per round in the region, with the region in the last row."),
                   [Column(_("Round")), Column(_("Status"))] + _measure_columns(), empty=_("No rounds yet."))
    for rr in o.rounds:
        rounds.add([rr.round.title, rr.round.get_status_display()] + _measure_values(rr.measures),
                   href=reverse("progress:round", args=[rr.round.pk]))
    rounds.add([region.name, ""] + _measure_values(o.measures), total=True)
    where = _("in %(region)s") % {"region": region.name}
    labels = [rr.round.title for rr in o.rounds]
    measures = [rr.measures for rr in o.rounds]
    tables = {
        "rounds": rounds,
        "core": _core_table("core", o.core, where),
        "core_by_round": _core_means_table(
            "core_by_round", _("Round"),
            [(rr.round.title, reverse("progress:round", args=[rr.round.pk]), rr.core) for rr in o.rounds]
            + [(region.name, "", o.core)], o.core_keys),
        "survey_by_round": _survey_table(
            "survey_by_round", _("End-of-round survey: mean per round"),
            [(rr.round.title, [rr.round.pk]) for rr in o.rounds] + [(region.name, [rr.round.pk for rr in o.rounds])]),
        "at_risk": _at_risk_table(o.at_risk, with_round=True),
    }
    charts = {"rates": _rate_chart("rates", labels, measures, _("round")),
              "composition": _composition_chart("composition", labels, measures, _("round")),
              "core": _core_chart("core", o.core, where)}
    return Page(_region_title(region), f"absolutt-{region.slug}", tables, charts, {"overview": o})


def _round_title(round_: Round) -> str:
    return _("Progress in %(round)s") % {"round": round_.title}


def _round_page(round_: Round) -> Page:
    o = progress.round_overview(round_)
    summary = Table("summary", _("The round at a glance"), _("The round's measures."),
                    [Column(_("Round"))] + _measure_columns())
    summary.add([round_.title] + _measure_values(o.measures), total=True)

    participants = Table(
        "participants", _("Participants"),
        _("Measures per participant. Select a participant for its own page."),
        [Column(_("Participant")), Column(_("Folkevalgt")), Column(_("Administrative leader")),
         Column(_("Youth representative")), Column(_("Attendance"), "pct"), Column(_("Mellomarbeid delivered"), "pct"),
         Column(_("Delivered on time"), "pct"), Column(_("Overdue"), "int"), Column(_("Evaluation response rate"), "pct"),
         Column(_("At risk"))], empty=_("No participants yet."))
    for row in o.participants:
        m = row.measures
        reasons = "; ".join(str(progress.Reason.labels[r]) for r in row.at_risk)
        participants.add([row.participant.name, row.has_elected, row.has_administrative, row.has_youth,
                          m.attendance_rate, m.delivery_rate, m.on_time_rate, m.overdue, m.response_rate, reasons],
                         href=reverse("progress:participant", args=[row.participant.pk]))

    gatherings = Table(
        "gatherings", _("Samlinger"),
        _("Registered (status registered), present and evaluation answers per samling. Attendance = present / "
          "registered, for held samlinger where attendance was taken."),
        [Column(_("Samling")), Column(_("Kind")), Column(_("Starts"), "date"), Column(_("Held")),
         Column(_("Registered"), "int"), Column(_("Waiting list"), "int"), Column(_("Present"), "int"),
         Column(_("Attendance"), "pct"), Column(_("Invited to evaluate"), "int"), Column(_("Answered"), "int"),
         Column(_("Evaluation response rate"), "pct")], empty=_("No samlinger yet."))
    for g in o.gatherings:
        answered = Cell(g.answered, _fmt(g.answered, "int"))
        if g.invites:
            answered.href = reverse("sessions_app:evaluation_results", args=[g.gathering.pk])
        gatherings.add([g.gathering.title, g.gathering.get_kind_display(), g.gathering.starts_at, g.held,
                        g.registered, g.waiting, g.attended if g.held else None, g.attendance_rate,
                        g.invites, answered, g.response_rate], href=g.gathering.get_absolute_url())

    assignments = Table(
        "assignments", _("Mellomarbeid"),
        _("Per assignment: delivered at least once, delivery rate (once due), on time (of delivered) and overdue."),
        [Column(_("Assignment")), Column(_("Due"), "datetime"), Column(_("Delivered"), "int"),
         Column(_("Participants"), "int"), Column(_("Mellomarbeid delivered"), "pct"),
         Column(_("Delivered on time"), "pct"), Column(_("Overdue"), "int")], empty=_("No mellomarbeid yet."))
    for a in o.assignments:
        assignments.add([a.assignment.title, a.assignment.due_at, a.delivered, a.participants, a.delivery_rate,
                         a.on_time_rate, a.overdue], href=a.assignment.get_absolute_url())

    held = [g for g in o.gatherings if g.held]
    due = [a for a in o.assignments if a.is_due]
    where = _("in the round")
    charts = {
        "gatherings": Chart("gatherings", _("Attendance and evaluation response rate per held samling, in per cent. "
                                            "The same numbers are in the table below."),
                            [g.gathering.title for g in held],
                            [(_("Attendance"), [g.attendance_rate for g in held]),
                             (_("Evaluation response rate"), [g.response_rate for g in held])]) if held else None,
        "assignments": Chart("assignments", _("Delivered and delivered on time per assignment that is due, in per "
                                              "cent. The same numbers are in the table below."),
                             [a.assignment.title for a in due],
                             [(_("Mellomarbeid delivered"), [a.delivery_rate for a in due]),
                              (_("Delivered on time"), [a.on_time_rate for a in due])]) if due else None,
        "core": _core_chart("core", o.core, where),
    }
    tables = {"summary": summary, "participants": participants, "gatherings": gatherings,
              "assignments": assignments, "core": _core_table("core", o.core, where),
              "at_risk": _at_risk_table(o.at_risk, with_round=False)}
    return Page(_round_title(round_), f"absolutt-runde-{round_.pk}", tables, charts, {"overview": o})


def _participant_title(participant) -> str:
    return _("Progress for %(participant)s") % {"participant": participant.name}


def _participant_page(participant) -> Page:
    o = progress.participant_overview(participant)
    p, m = o.participant, o.measures
    summary = Table("summary", _("At a glance"), _("The participant's measures."),
                    [Column(_("Participant"))] + _measure_columns(single=True))
    summary.add([p.name] + _measure_values(m, single=True), total=True)

    composition = Table("composition", _("Kjernegruppe"),
                        _("Active members of the kjernegruppe. The programme requires a folkevalgt and an "
                          "administrative leader, and wants a representative of children and young people."),
                        [Column(_("Role")), Column(_("Active members"), "int"), Column(_("In place"))])
    c = o.composition
    composition.add([_("Folkevalgt"), c["elected"], c["elected"] > 0])
    composition.add([_("Administrative leader"), c["administrative"], c["administrative"] > 0])
    composition.add([_("Youth representative"), c["youth"], c["youth"] > 0])
    composition.add([_("All active members"), c["active"], ""], total=True)

    gatherings = Table(
        "gatherings", _("Samlinger"), _("The participant's people per samling of the round."),
        [Column(_("Samling")), Column(_("Starts"), "date"), Column(_("Held")), Column(_("Registered"), "int"),
         Column(_("Waiting list"), "int"), Column(_("Present"), "int"), Column(_("Invited to evaluate"), "int"),
         Column(_("Answered"), "int")], empty=_("No samlinger yet."))
    for g in o.gatherings:
        gatherings.add([g.gathering.title, g.gathering.starts_at, g.held, g.registered, g.waiting,
                        g.attended if g.held else None, g.invites, g.answered], href=g.gathering.get_absolute_url())

    work = Table("assignments", _("Mellomarbeid"), _("Every assignment of the round and the participant's submission."),
                 [Column(_("Assignment")), Column(_("Due"), "datetime"), Column(_("Status")),
                  Column(_("Last delivered"), "datetime"), Column(_("First delivery late")), Column(_("Overdue"))],
                 empty=_("No mellomarbeid yet."))
    for cell in participant_work(p):
        s = cell.submission
        delivered_at = s.last_delivered_at if s else None
        work.add([cell.assignment.title, cell.due_at, cell.status_label, delivered_at,
                  cell.is_late if delivered_at else "", cell.is_overdue],
                 href=reverse("interwork:submission_detail", args=[cell.assignment.pk, p.pk]))

    reasons = Table("at_risk", _("At risk"), _("Why the participant needs follow-up."), [Column(_("Reason"))],
                    empty=_("Not at risk."))
    for code in o.at_risk:
        label = str(progress.Reason.labels[code])
        if code == progress.Reason.NOBODY_AT_LAST and o.last_fellessamling is not None:
            label = f"{label} ({o.last_fellessamling.title})"
        reasons.add([label])
    tables = {"summary": summary, "composition": composition, "gatherings": gatherings, "assignments": work,
              "at_risk": reasons}
    return Page(_participant_title(p), f"absolutt-{slugify(p.name)}-{p.pk}", tables, {}, {"overview": o})


# --- Rendering ------------------------------------------------------------------------------------------------

def _html(request, content_template: str, title: str, build, *, export_url: str, scope: list, charts_js: bool = True,
          **context):
    """The page around its content; the content (every table and chart) is a fragment kept under the data's
    version (``absolutt.core.fragments``) for everyone with the same ``scope``, and ``build`` makes the ``Page``
    only when the fragment is not in the cache."""
    page = fragments.lazy(build)
    context.update({
        "title": title, "page": page, "tables": fragments.lazy(lambda: page.tables),
        "charts": fragments.lazy(lambda: {k: c for k, c in page.charts.items() if c is not None}),
        "overview": fragments.lazy(lambda: page.context["overview"]),
        "export_url": export_url, "min_cell": anonymity.min_answers(),
    })
    context["content"] = fragments.render(content_template, context, scope=[content_template, *scope])
    return render(request, "programmes/progress_page.html", {**context, "charts_js": charts_js})


def _xlsx(page: Page) -> HttpResponse:
    stamp = date_format(timezone.localtime(), "j.n.Y H:i")
    sheets = []
    for table in page.tables.values():
        kinds = {"text": "text", "int": "int", "pct": "pct", "mean": "mean", "date": "date", "datetime": "datetime"}
        sheet = tables.Sheet(title=table.title, heading=f"{page.title} – {table.title} ({stamp})",
                             columns=[tables.Column(c.label, kinds.get(c.kind, "text")) for c in table.columns])
        for row in table.rows:
            sheet.add([cell.value for cell in row.cells], bold=row.total)
        sheets.append(sheet)
    return tables.download(tables.xlsx(sheets), name=f"{page.filename}.xlsx", content_type=tables.XLSX_TYPE)


@login_required
@require_GET
def national(request):
    _require_national(request.user)
    # Everyone programme-wide sees the same rounds; the scope is which rounds those are.
    return _html(request, "programmes/progress_national.html", _national_title(), lambda: _national_page(request.user),
                 export_url=reverse("progress:national_xlsx"), scope=[fragments.ids(access.visible_rounds(request.user))])


@login_required
@require_GET
def national_xlsx(request):
    _require_national(request.user)
    return _xlsx(_national_page(request.user))


@login_required
@require_GET
def region(request, slug):
    region = _region_for(request.user, slug)
    return _html(request, "programmes/progress_region.html", _region_title(region),
                 lambda: _region_page(request.user, region), export_url=reverse("progress:region_xlsx", args=[slug]),
                 scope=[region.pk, fragments.ids(access.visible_rounds(request.user))], region=region)


@login_required
@require_GET
def region_xlsx(request, slug):
    return _xlsx(_region_page(request.user, _region_for(request.user, slug)))


@login_required
@require_GET
def round_detail(request, pk):
    round_ = _round_for(request.user, pk)
    # The figures are the same for everyone who may see them; the national lead's breadcrumb differs.
    is_national = access.can_see_national(request.user)
    return _html(request, "programmes/progress_round.html", _round_title(round_), lambda: _round_page(round_),
                 export_url=reverse("progress:round_xlsx", args=[pk]), scope=[round_.pk, is_national],
                 round=round_, is_national=is_national)


@login_required
@require_GET
def round_xlsx(request, pk):
    return _xlsx(_round_page(_round_for(request.user, pk)))


@login_required
@require_GET
def participant(request, pk):
    participant, can_see_round = _participant_for(request.user, pk)
    is_national = access.can_see_national(request.user)
    return _html(request, "programmes/progress_participant.html", _participant_title(participant),
                 lambda: _participant_page(participant), export_url=reverse("progress:participant_xlsx", args=[pk]),
                 scope=[participant.pk, is_national, can_see_round], charts_js=False,
                 participant=participant, round=participant.round, is_national=is_national, can_see_round=can_see_round)


@login_required
@require_GET
def participant_xlsx(request, pk):
    return _xlsx(_participant_page(_participant_for(request.user, pk)[0]))

"""Registration and attendance lists as XLSX and CSV, for the venue and the caterer (``absolutt.tables``);
evaluation results and answers as XLSX and CSV, with numbers only from the anonymity boundary."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from absolutt import tables

from .anonymity import min_answers
from .models import Evaluation, EvaluationAnswer, EvaluationQuestion, Gathering, Registration


def registrations_sheet(gathering: Gathering) -> tables.Sheet:
    sheet = tables.Sheet(
        title=_("Registrations"),
        heading=f"{gathering.title} – {timezone.localtime(gathering.starts_at):%d.%m.%Y}",
        columns=[tables.Column(_("Municipality")), tables.Column(_("Name")), tables.Column(_("E-mail address")),
                 tables.Column(_("Title")), tables.Column(_("Role category")), tables.Column(_("Status")),
                 tables.Column(_("Dietary needs")), tables.Column(_("Accessibility needs")),
                 tables.Column(_("Attended"))],
    )
    registrations = (
        gathering.registrations.exclude(status=Registration.Status.CANCELLED)
        .select_related("participant__municipality", "participant__county")
        .order_by("participant__municipality__short_name", "participant__county__name", "status", "name")
    )
    attended = {True: _("Yes"), False: _("No"), None: ""}
    for r in registrations:
        sheet.add([r.participant.name, r.name, r.email, r.title, r.get_role_category_display(), r.get_status_display(),
                   r.dietary_needs, r.accessibility_needs, attended[r.attended]])
    return sheet


def registrations_xlsx(gathering: Gathering) -> bytes:
    return tables.xlsx([registrations_sheet(gathering)])


def registrations_csv(gathering: Gathering) -> bytes:
    return tables.csv_bytes(registrations_sheet(gathering))


# --- Evaluation results (numbers only from the anonymity boundary) ---------------------------------------

def evaluation_sheets(evaluation: Evaluation, results: dict, rows: tuple | None) -> list[tables.Sheet]:
    """Results per scale question, how many ticked each option (multiple choice), the answers themselves
    (only when the boundary gives rows: at least k responses, shown questions only, no role, random order)
    and the legend of the scale. Answers on the scale are the numbers 1–3."""
    k = min_answers()
    hidden = _("Hidden (fewer than %(n)s answers)") % {"n": k}
    scale, choice = EvaluationQuestion.Kind.SCALE, EvaluationQuestion.Kind.CHOICE
    when = (f"{timezone.localtime(evaluation.gathering.starts_at):%d.%m.%Y}" if evaluation.gathering_id
            else evaluation.survey_round.title)
    heading = f"{_('Evaluation')}: {evaluation.title} – {when}"
    summary = tables.Sheet(_("Results"), [
        tables.Column(_("Question")), tables.Column(_("Answers"), "int"), tables.Column(_("i liten grad"), "int"),
        tables.Column(_("i noen grad"), "int"), tables.Column(_("i stor grad"), "int"),
        tables.Column(_("Mean (1–3)"), "mean")], heading=heading)
    options = tables.Sheet(_("Multiple choice"), [
        tables.Column(_("Question")), tables.Column(_("Option")), tables.Column(_("Ticked"), "int"),
        tables.Column(_("Share of those who answered (%)"), "pct")], heading=heading)
    for r in results["questions"]:
        if r.kind == scale:
            if r.cell.hidden:
                summary.add([r.question.text, f"< {k}" if r.answered else 0, hidden, None, None, None])
            else:
                summary.add([r.question.text, r.n, *r.counts, r.mean])
        elif r.kind == choice:
            if r.options is None:
                options.add([r.question.text, hidden, None, None])
            for label, n, share in r.options or []:
                options.add([r.question.text, label, n, share])
    if rows is None:
        answers = tables.Sheet(_("Answers"), [tables.Column(_("Answers"))], heading=heading)
        answers.add([_("The answers themselves are exported only when at least %(n)s have answered.") % {"n": k}])
    else:
        questions, lines = rows
        columns: list[tables.Column] = []
        for q in questions:
            if q.kind == scale:
                columns += [tables.Column(f"{q.text} (1–3)", "int"), tables.Column(f"{_('Utdyp')}: {q.text}")]
            elif q.kind == choice:
                columns += [tables.Column(q.text), tables.Column(f"{_('Utdyp')}: {q.text}")]
            else:
                columns.append(tables.Column(q.text))
        answers = tables.Sheet(_("Answers"), columns, rows=[list(line) for line in lines], heading=heading)
    legend = tables.Sheet(_("Legend"), [tables.Column(_("Value"), "int"), tables.Column(_("Meaning"))],
                          rows=[[value, str(label)] for value, label in EvaluationAnswer.Scale.choices], heading=heading,
                          notes=[[_("Results and answers are shown only where at least %(n)s answered; the answers are "
                                    "in random order, without names, times or role categories.") % {"n": k}]])
    return [summary] + ([options] if options.rows else []) + [answers, legend]


def evaluation_xlsx(evaluation: Evaluation, results: dict, rows: tuple | None) -> bytes:
    return tables.xlsx(evaluation_sheets(evaluation, results, rows))


def evaluation_csv(evaluation: Evaluation, results: dict, rows: tuple | None) -> bytes:
    """Every sheet one after the other, each under its title, in one file for Excel."""
    parts = []
    for sheet in evaluation_sheets(evaluation, results, rows):
        parts.append(tables.safe_text(sheet.title) + "\r\n" + tables.csv_bytes(sheet).decode("utf-8-sig"))
    return ("\r\n".join(parts)).encode("utf-8-sig")

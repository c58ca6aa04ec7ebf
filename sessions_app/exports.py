"""Registration and attendance lists as XLSX and CSV, for the venue and the caterer (``absolutt.tables``);
evaluation results and answers as XLSX and CSV, with numbers only from the anonymity boundary."""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from absolutt import tables
from absolutt.tables import safe_text as _safe

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

def _evaluation_tables(evaluation: Evaluation, results: dict, rows: tuple | None) -> dict:
    """The export's three tables: results per question, the answers (when the boundary allows them) and the
    legend of the scale. Every text is formula-safe; answers are numbers 1–3."""
    k = min_answers()
    hidden = _("Hidden (fewer than %(n)s answers)") % {"n": k}
    scale, choice = EvaluationQuestion.Kind.SCALE, EvaluationQuestion.Kind.CHOICE
    summary = [[_("Question"), _("Answers"), _("i liten grad"), _("i noen grad"), _("i stor grad"), _("Mean (1–3)")]]
    options = [[_("Question"), _("Option"), _("Ticked"), _("Share of those who answered (%)")]]
    for r in results["questions"]:
        if r.kind == scale:
            if r.cell.hidden:
                summary.append([r.question.text, f"< {k}" if r.answered else 0, hidden, None, None, None])
            else:
                summary.append([r.question.text, r.n, *r.counts, r.mean])
        elif r.kind == choice:
            if r.options is None:
                options.append([r.question.text, hidden, None, None])
            for label, n, share in r.options or []:
                options.append([r.question.text, label, n, share])
    if rows is None:
        answers = [[_("The answers themselves are exported only when at least %(n)s have answered.") % {"n": k}]]
    else:
        questions, lines = rows
        header: list = []
        for q in questions:
            if q.kind == scale:
                header += [f"{q.text} (1–3)", f"{_('Utdyp')}: {q.text}"]
            elif q.kind == choice:
                header += [q.text, f"{_('Utdyp')}: {q.text}"]
            else:
                header.append(q.text)
        answers = [header, *lines]
    legend = [[_("Value"), _("Meaning")]] + [[value, str(label)] for value, label in EvaluationAnswer.Scale.choices]
    legend.append([None, _("Results and answers are shown only where at least %(n)s answered; the answers are in "
                            "random order, without names, times or role categories.") % {"n": k}])
    if evaluation.gathering_id:
        when = f"{timezone.localtime(evaluation.gathering.starts_at):%d.%m.%Y}"
    else:
        when = evaluation.survey_round.title
    heading = f"{_('Evaluation')}: {evaluation.title} – {when}"
    tables = {"heading": heading, _("Results"): summary}
    if len(options) > 1:
        tables[_("Multiple choice")] = options
    return tables | {_("Answers"): answers, _("Legend"): legend}


def _cell(value):
    if value is None or isinstance(value, int | float):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", _safe(value))


def evaluation_xlsx(evaluation: Evaluation, results: dict, rows: tuple | None) -> bytes:
    tables = _evaluation_tables(evaluation, results, rows)
    heading = tables.pop("heading")
    wb = Workbook()
    wb.remove(wb.active)
    for title, table in tables.items():
        ws = wb.create_sheet(str(title)[:31])
        ws.append([_cell(heading)])
        ws["A1"].font = Font(bold=True, size=13)
        for row in table:
            ws.append([_cell(v) for v in row])
        for cell in ws[2]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A3"
        for i in range(1, max(len(r) for r in table) + 1):
            width = max(len(str(r[i - 1])) if i <= len(r) and r[i - 1] is not None else 0 for r in table) + 2
            ws.column_dimensions[get_column_letter(i)].width = min(max(width, 8), 60)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def evaluation_csv(evaluation: Evaluation, results: dict, rows: tuple | None) -> bytes:
    tables = _evaluation_tables(evaluation, results, rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_safe(tables.pop("heading"))])
    for title, table in tables.items():
        writer.writerow([])
        writer.writerow([_safe(title)])
        for row in table:
            writer.writerow(["" if v is None else (v if isinstance(v, int | float) else _safe(v)) for v in row])
    return out.getvalue().encode("utf-8-sig")

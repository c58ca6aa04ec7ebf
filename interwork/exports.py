"""Exports of a round's mellomarbeid: the matrix as XLSX/CSV, and every delivered text and file as a zip."""

from __future__ import annotations

import io
import posixpath
import zipfile

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from absolutt import tables

from .models import SubmissionVersion
from .selectors import Matrix


def matrix_sheet(m: Matrix, title: str = "") -> tables.Sheet:
    """One row per participant, one column per assignment; the delivery and on-time rates below."""
    sheet = tables.Sheet(title=_("Mellomarbeid"), heading=title,
                         columns=[tables.Column(_("Participant"))] + [tables.Column(a.title) for a in m.assignments])
    for p, cells in m.rows:
        row = [p.name]
        for c in cells:
            label = str(c.status_label)
            if c.is_late:
                label += " (" + _("late") + ")"
            if c.has_extension:
                label += " (" + _("extension") + ")"
            if c.is_overdue:
                label += " (" + _("overdue") + ")"
            row.append(label)
        sheet.add(row)
    stats = m.column_stats()
    sheet.notes = [[_("Delivery rate %")] + [s["delivery_rate"] for s in stats],
                   [_("On-time rate %")] + [s["on_time_rate"] for s in stats]]
    return sheet


def matrix_xlsx(m: Matrix, title: str) -> bytes:
    return tables.xlsx([matrix_sheet(m, title)])


def matrix_csv(m: Matrix) -> bytes:
    return tables.csv_bytes(matrix_sheet(m))


class _UniqueNames:
    """Paths in a zip, each used once: a second "plan.pdf" in a folder becomes "plan-2.pdf", a second
    participant or assignment with the same name gets a folder of its own."""

    def __init__(self):
        self.used: set[str] = set()
        self.by_key: dict = {}

    def __call__(self, key, path: str) -> str:
        if key not in self.by_key:
            stem, ext = posixpath.splitext(path)
            candidate, n = path, 1
            while candidate in self.used:
                n += 1
                candidate = f"{stem}-{n}{ext}"
            self.used.add(candidate)
            self.by_key[key] = candidate
        return self.by_key[key]


def submissions_zip(round_, participants) -> bytes:
    """Every delivered version's text (as .txt) and files, in folders per participant and assignment."""
    versions = (
        SubmissionVersion.objects.filter(submission__assignment__round=round_, submission__participant__in=participants)
        .select_related("submission__assignment", "submission__participant__municipality",
                        "submission__participant__county", "delivered_by")
        .prefetch_related("files").order_by("submission__participant_id", "submission__assignment__due_at", "number")
    )
    out = io.BytesIO()
    folders, names = _UniqueNames(), _UniqueNames()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for v in versions:
            s = v.submission
            top = folders(("p", s.participant_id), str(slugify(s.participant.name) or s.participant_id))
            sub = folders(("a", s.participant_id, s.assignment_id), f"{top}/{slugify(s.assignment.title) or s.assignment_id}")
            folder = f"{sub}/v{v.number}"
            delivered = timezone.localtime(v.delivered_at).strftime("%d.%m.%Y %H:%M")
            who = v.delivered_by.get_full_name() if v.delivered_by else ""
            contributors = ", ".join(f"{c['name']} ({c['role_category']})" for c in v.contributors)
            zf.writestr(names(("v", v.pk), f"{folder}/tekst.txt"), f"{s.assignment.title}\n{s.participant.name}\n"
                        f"{_('Delivered')}: {delivered} {who}\n{_('Contributors')}: {contributors}\n\n{v.text}\n")
            for f in v.files.all():
                with f.file.open("rb") as fh:
                    zf.writestr(names(("f", f.pk), f"{folder}/{f.original_name}"), fh.read())
    return out.getvalue()

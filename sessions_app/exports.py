"""Registration and attendance lists as XLSX (openpyxl) and CSV, for the venue and the caterer."""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .models import Gathering, Registration

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _safe(value) -> str:
    """Text that a spreadsheet will not run as a formula (CSV/formula injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def registration_rows(gathering: Gathering) -> tuple[list[str], list[list[str]]]:
    header = [_("Municipality"), _("Name"), _("E-mail address"), _("Title"), _("Role category"), _("Status"),
              _("Dietary needs"), _("Accessibility needs"), _("Attended")]
    registrations = (
        gathering.registrations.exclude(status=Registration.Status.CANCELLED)
        .select_related("participant__municipality", "participant__county")
        .order_by("participant__municipality__short_name", "participant__county__name", "status", "name")
    )
    attended = {True: _("Yes"), False: _("No"), None: ""}
    rows = [
        [r.participant.name, r.name, r.email, r.title, r.get_role_category_display(), r.get_status_display(),
         r.dietary_needs, r.accessibility_needs, attended[r.attended]]
        for r in registrations
    ]
    return header, [[_safe(c) for c in row] for row in rows]


def registrations_xlsx(gathering: Gathering) -> bytes:
    header, rows = registration_rows(gathering)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Registrations")[:31]
    heading = _safe(f"{gathering.title} – {timezone.localtime(gathering.starts_at):%d.%m.%Y}")
    ws.append([ILLEGAL_CHARACTERS_RE.sub("", heading)])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in row])  # control characters (e.g. pasted from Word)
    ws.freeze_panes = "A3"
    for i, title in enumerate(header, start=1):
        width = max([len(title)] + [len(r[i - 1]) for r in rows]) + 2
        ws.column_dimensions[get_column_letter(i)].width = min(width, 60)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def registrations_csv(gathering: Gathering) -> bytes:
    header, rows = registration_rows(gathering)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # what Excel expects with a Norwegian locale
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")

"""Every export, from one table definition: XLSX and CSV, and the download response that carries them.

A ``Sheet`` is a title, columns with a kind (text, int, pct, mean, date, datetime, bool) and rows of plain values.
``xlsx([...])`` writes named sheets (unique, at most 31 characters) with a bold heading row, a bold frozen header,
column widths from the content, real numbers and dates with Norwegian formats, percentages as percentages,
and text that a spreadsheet will not run as a formula; ``csv_bytes(sheet)`` writes what Excel opens with a
Norwegian locale (``;``, UTF-8 with a BOM). ``download(...)`` sends a file with a filename that keeps Norwegian
letters (RFC 6266 ``filename*``, with an ASCII fallback) and is never cached by a shared proxy.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {"int": "#,##0", "pct": "0.0%", "mean": "0.00", "date": "dd.mm.yyyy", "datetime": "dd.mm.yyyy hh:mm"}


def safe_text(value) -> str:
    """Text that a spreadsheet will not run as a formula (CSV/formula injection), without the control
    characters (e.g. pasted from Word) that break XLSX files."""
    text = "" if value is None else str(value)
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


@dataclass
class Column:
    label: str
    kind: str = "text"  # text | int | pct (0–100) | mean | date | datetime | bool
    width: int | None = None  # characters; from the content when None


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    heading: str = ""  # a bold first line above the header (e.g. "Fellessamling 1 – 25.3.2027")
    bold_rows: set[int] = field(default_factory=set)  # indexes into rows (totals)
    notes: list[list] = field(default_factory=list)  # rows after a blank line (a legend, column statistics)

    def add(self, values: list, *, bold: bool = False) -> None:
        if bold:
            self.bold_rows.add(len(self.rows))
        self.rows.append(list(values))


def _xlsx_value(value, kind: str):
    if value is None or value == "":
        return None
    if isinstance(value, bool) or kind == "bool":
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        return value / 100 if kind == "pct" else value
    return safe_text(value)


def _text(value, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or kind == "bool":
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if timezone.is_aware(value) else value.strftime(
            "%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",") if kind == "pct" else f"{value:.2f}".replace(".", ",")
    return safe_text(value)


def _sheet_name(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", str(title)).strip() or "Ark"
    name, n = base[:31], 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def xlsx(sheets: list[Sheet]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_name(sheet.title, used))
        header_row = 1
        if sheet.heading:
            ws.append([safe_text(sheet.heading)])
            ws["A1"].font = Font(bold=True, size=13)
            header_row = 2
        ws.append([safe_text(c.label) for c in sheet.columns])
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
        for i, row in enumerate(sheet.rows):
            ws.append([_xlsx_value(v, c.kind) for v, c in zip(row, sheet.columns, strict=True)])
            if i in sheet.bold_rows:
                for cell in ws[ws.max_row]:
                    cell.font = Font(bold=True)
        for index, column in enumerate(sheet.columns, start=1):
            fmt = NUMBER_FORMATS.get(column.kind)
            if fmt:
                for (cell,) in ws.iter_rows(min_row=header_row + 1, max_row=header_row + len(sheet.rows),
                                            min_col=index, max_col=index):
                    cell.number_format = fmt
            width = column.width or max([len(column.label)] + [len(_text(r[index - 1], column.kind)) for r in sheet.rows]) + 2
            ws.column_dimensions[ws.cell(row=header_row, column=index).column_letter].width = min(max(width, 8), 60)
        if sheet.notes:
            ws.append([])
            for note in sheet.notes:
                ws.append([v if isinstance(v, int | float) else safe_text(v) for v in note])
        ws.freeze_panes = ws.cell(row=header_row + 1, column=2 if len(sheet.columns) > 1 else 1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(sheet: Sheet) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # what Excel expects with a Norwegian locale
    writer.writerow([safe_text(c.label) for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow([_text(v, c.kind) for v, c in zip(row, sheet.columns, strict=True)])
    return out.getvalue().encode("utf-8-sig")


def filename(*parts: str, ext: str) -> str:
    """``deltakerliste-fellessamling-1-2027-03-25.xlsx``: words joined by hyphens, Norwegian letters kept."""
    stem = "-".join(p for p in (slugify(part, allow_unicode=True) for part in parts) if p) or "eksport"
    return f"{stem}.{ext}"


ASCII_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


def download(body, *, name: str, content_type: str) -> HttpResponse:
    """A file to save: ``name`` keeps its Norwegian letters (``filename*``), with an ASCII fallback."""
    response = HttpResponse(body, content_type=content_type)
    stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
    ascii_name = (slugify(stem.translate(ASCII_LETTERS)) or "eksport") + dot + ext
    disposition = f'attachment; filename="{ascii_name}"'
    if ascii_name != name:
        disposition += f"; filename*=UTF-8''{quote(name)}"
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    return response

"""One tables/exports module for every export (absolutt/tables.py)."""

import csv
import io
from datetime import date, datetime

from django.utils import timezone
from openpyxl import load_workbook

from absolutt import tables


def sample() -> tables.Sheet:
    sheet = tables.Sheet(title="Oversikt: runde 1/2 [test]", heading="Tittel",
                         columns=[tables.Column("Navn"), tables.Column("Antall", "int"), tables.Column("Andel", "pct"),
                                  tables.Column("Dato", "date"), tables.Column("Tid", "datetime")])
    sheet.add(["=HYPERLINK(\"x\")", 1234, 58.3, date(2027, 3, 25), timezone.make_aware(datetime(2027, 7, 1, 15, 0))])
    sheet.add(["Sum\x07", 1234, None, None, None], bold=True)
    return sheet


def test_xlsx_has_named_sheet_bold_frozen_header_widths_and_real_values():
    wb = load_workbook(io.BytesIO(tables.xlsx([sample(), sample()])))
    assert wb.sheetnames == ["Oversikt runde 12 test", "Oversikt runde 12 test (2)"]
    ws = wb[wb.sheetnames[0]]
    assert ws["A1"].value == "Tittel" and ws["A1"].font.bold
    assert [c.value for c in ws[2]] == ["Navn", "Antall", "Andel", "Dato", "Tid"] and all(c.font.bold for c in ws[2])
    assert ws.freeze_panes == "B3"
    row = [c for c in ws[3]]
    assert row[0].value == "'=HYPERLINK(\"x\")"  # formula-safe
    assert row[1].value == 1234 and row[1].number_format == "#,##0"
    assert row[2].value == 0.583 and row[2].number_format == "0.0%"
    assert row[3].value.date() == date(2027, 3, 25) and row[3].number_format == "dd.mm.yyyy"
    assert row[4].value == datetime(2027, 7, 1, 15, 0)  # Oslo wall-clock time (summer)
    assert ws[4][0].value == "Sum" and ws[4][0].font.bold  # control characters gone; total row bold
    assert ws.column_dimensions["A"].width >= len("=HYPERLINK(\"x\")")


def test_csv_is_excel_friendly_and_formula_safe():
    body = tables.csv_bytes(sample())
    assert body.startswith(b"\xef\xbb\xbf")  # a BOM, so that Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Navn", "Antall", "Andel", "Dato", "Tid"]
    assert rows[1] == ["'=HYPERLINK(\"x\")", "1234", "58,3", "25.03.2027", "01.07.2027 15:00"]


def test_download_keeps_norwegian_letters_with_an_ascii_fallback():
    response = tables.download(b"x", name=tables.filename("deltakerliste", "Nattmøte på Ås", ext="csv"),
                               content_type=tables.CSV_TYPE)
    assert response["Content-Disposition"] == (
        "attachment; filename=\"deltakerliste-nattmote-pa-as.csv\"; "
        "filename*=UTF-8''deltakerliste-nattm%C3%B8te-p%C3%A5-%C3%A5s.csv")
    assert response["Cache-Control"] == "private, no-store"
    plain = tables.download(b"x", name="samling-3.ics", content_type="text/calendar")
    assert plain["Content-Disposition"] == 'attachment; filename="samling-3.ics"'

"""Registration and attendance lists as XLSX and CSV: the right rows, formula injection neutralised,
organisers only."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ..absolutt.test_permissions import ROLES, user_for
from ..sessions_app.factories import GatheringFactory, RegistrationFactory, oslo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]

HEADER = ["Kommune", "Navn", "E-postadresse", "Tittel", "Rollekategori", "Status", "Spesialkost og allergier",
          "Behov for tilrettelegging", "Møtte"]


@pytest.fixture
def gathering(cast):
    a = cast.a
    g = GatheringFactory(round=a.round, title="Fellessamling 1", starts_at=oslo(2027, 3, 25, 10),
                         ends_at=oslo(2027, 3, 26, 15), registration_deadline=None)
    RegistrationFactory(gathering=g, participant=a.participant, name="Åse Ødegård", email="ase@kommune.example",
                        title="Ordfører", role_category="elected", dietary_needs="Glutenfri",
                        accessibility_needs="Teleslynge", attended=True)
    RegistrationFactory(gathering=g, participant=a.participant, name="Bjørn Ikke-Møtt", email="bjorn@kommune.example",
                        attended=False)
    RegistrationFactory(gathering=g, participant=a.other_participant, name="=HYPERLINK(\"http://evil.example\";\"x\")",
                        email="formel@kommune.example", title="+SUM(1;2)", dietary_needs="@cmd",
                        accessibility_needs="-2+3")
    RegistrationFactory(gathering=g, participant=a.other_participant, name="Venter Venteliste",
                        email="venter@kommune.example", status="waiting")
    RegistrationFactory(gathering=g, participant=a.other_participant, name="Meldt Av", email="avmeldt@kommune.example",
                        status="cancelled")
    return g


def export(client, g, fmt):
    response = client.get(reverse("sessions_app:registrations_export", args=[g.pk, fmt]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == f'attachment; filename="deltakerliste-fellessamling-1-2027-03-25.{fmt}"'
    return response


def by_name(rows):
    return {row[1]: row for row in rows}


def check_rows(rows, cast):
    people = by_name(rows)
    assert set(people) == {"Åse Ødegård", "Bjørn Ikke-Møtt", "'=HYPERLINK(\"http://evil.example\";\"x\")",
                           "Venter Venteliste"}  # not the cancelled one
    assert people["Åse Ødegård"] == [cast.a.participant.name, "Åse Ødegård", "ase@kommune.example", "Ordfører",
                                     "Folkevalgt", "Påmeldt", "Glutenfri", "Teleslynge", "Ja"]
    assert people["Bjørn Ikke-Møtt"][-1] == "Nei"
    assert people["Venter Venteliste"][5] == "På venteliste" and people["Venter Venteliste"][-1] == ""
    formula = people["'=HYPERLINK(\"http://evil.example\";\"x\")"]
    assert formula[3] == "'+SUM(1;2)" and formula[6] == "'@cmd" and formula[7] == "'-2+3"
    for row in rows:
        for cell in row:
            assert not str(cell).startswith(("=", "+", "-", "@")), row


def test_xlsx_holds_registrations_and_attendance(client, cast, gathering):
    client.force_login(cast.a.regional_coordinator)
    response = export(client, gathering, "xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    assert ws["A1"].value == "Fellessamling 1 – 25.03.2027"
    values = [[("" if c is None else c) for c in row] for row in ws.iter_rows(values_only=True)]
    assert values[1] == HEADER
    check_rows(values[2:], cast)
    # No cell is stored as a formula.
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)


def test_csv_is_semicolon_separated_utf8_with_bom(client, cast, gathering):
    client.force_login(cast.a.regional_coordinator)
    response = export(client, gathering, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADER
    check_rows(rows[1:], cast)


def test_export_attendance_follows_check_in(client, cast, gathering):
    client.force_login(cast.a.regional_coordinator)
    bjorn = gathering.registrations.get(email="bjorn@kommune.example")
    client.post(reverse("sessions_app:checkin_mark", args=[gathering.pk, bjorn.pk]), {"attended": "1"})
    rows = list(csv.reader(io.StringIO(export(client, gathering, "csv").content.decode("utf-8-sig")), delimiter=";"))
    assert by_name(rows[1:])["Bjørn Ikke-Møtt"][-1] == "Ja"


def test_export_of_a_samling_with_a_formula_title(client, cast):
    g = GatheringFactory(round=cast.a.round, title="=1+1", starts_at=oslo(2027, 3, 25, 10),
                         ends_at=oslo(2027, 3, 25, 15), registration_deadline=None)
    client.force_login(cast.a.regional_coordinator)
    response = client.get(reverse("sessions_app:registrations_export", args=[g.pk, "xlsx"]))
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].data_type != "f" and not str(ws["A1"].value).startswith("=")


EXPECTED = [403, 200, 403, 403, 403, 404, 404, 404]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_export_only_for_organisers(client, cast, gathering, fmt, role_index, role):
    client.force_login(user_for(cast, role))
    response = client.get(reverse("sessions_app:registrations_export", args=[gathering.pk, fmt]))
    assert response.status_code == EXPECTED[role_index], role
    if response.status_code != 200:
        assert b"Glutenfri" not in response.content


def test_export_dates_are_oslo_dates(client, cast):
    """A samling starting 00:30 Oslo time is 23:30 UTC the day before; the list must show the Oslo date."""
    g = GatheringFactory(round=cast.a.round, title="Nattmøte", starts_at=oslo(2027, 3, 25, 0, 30),
                         ends_at=oslo(2027, 3, 25, 2), registration_deadline=None)
    client.force_login(cast.a.regional_coordinator)
    response = client.get(reverse("sessions_app:registrations_export", args=[g.pk, "xlsx"]))
    # The file name keeps its Norwegian letters (RFC 6266), with an ASCII fallback for old clients.
    assert response["Content-Disposition"] == (
        "attachment; filename=\"deltakerliste-nattmote-2027-03-25.xlsx\"; "
        "filename*=UTF-8''deltakerliste-nattm%C3%B8te-2027-03-25.xlsx")
    assert load_workbook(io.BytesIO(response.content)).active["A1"].value == "Nattmøte – 25.03.2027"


def test_xlsx_survives_control_characters(client, cast, gathering):
    """Text pasted from Word can hold vertical tabs (its manual line break); the export must not fail on it."""
    RegistrationFactory(gathering=gathering, participant=cast.a.participant, name="Kopiert\x0bFra Word",
                        email="word@kommune.example", title="Rådgiver\x07")
    client.force_login(cast.a.regional_coordinator)
    ws = load_workbook(io.BytesIO(export(client, gathering, "xlsx").content)).active
    names = [row[1] for row in ws.iter_rows(min_row=3, values_only=True)]
    assert "KopiertFra Word" in names

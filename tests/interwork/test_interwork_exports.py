"""Exports of a round's mellomarbeid: the tracking matrix as XLSX (read back with openpyxl) and CSV (semicolon,
BOM), and a zip with every delivered version's text and files. Municipalities get 404."""

from __future__ import annotations

import csv
import io
import warnings
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from interwork import services
from interwork.models import SubmissionVersion

from ..factories import CoreGroupMemberFactory, UserFactory
from ..interwork.factories import AssignmentFactory, deliver, make_board, pdf, submission, write

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"  # as the language switch does


@pytest.fixture
def board(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_board()


def export(client, round_, fmt):
    url = (reverse("interwork:submissions_zip", args=[round_.pk]) if fmt == "zip"
           else reverse("interwork:matrix_export", args=[round_.pk, fmt]))
    return client.get(url)


EXPECTED_ROWS = [
    ["Participant", "Ståsted", "Fremtidsbilde"],
    ["Aukra", "Approved", "Delivered"],
    ["Bud", "Delivered (late)", "Not started (extension)"],
    ["Eide", "Returned for revision (overdue)", "Not started"],
    ["Fræna", "Not started (overdue)", "Not started"],
]


def test_matrix_xlsx_contents(client, board):
    client.force_login(board.rc)
    response = export(client, board.round, "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="mellomarbeid-absolutt-matrise.xlsx"'
    assert response["Cache-Control"] == "private, no-store"
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "ABSOLUTT Matrise"
    assert [list(r) for r in rows[1:6]] == EXPECTED_ROWS
    assert all(v is None for v in rows[6])
    assert list(rows[7]) == ["Delivery rate %", 75, 25]
    assert list(rows[8]) == ["On-time rate %", 67, 100]
    assert ws.freeze_panes == "B3"


def test_matrix_csv_contents(client, board):
    client.force_login(board.rc)
    response = export(client, board.round, "csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mellomarbeid-absolutt-matrise.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8 (æøå)
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Participant;Ståsted;Fremtidsbilde"
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == EXPECTED_ROWS


def test_matrix_export_ignores_the_page_filter_and_covers_every_participant(client, board):
    client.force_login(board.rc)
    url = reverse("interwork:matrix_export", args=[board.round.pk, "csv"]) + "?vis=awaiting_review"
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["Aukra", "Bud", "Eide", "Fræna"]


def test_competence_partner_and_national_lead_export(client, board):
    partner = UserFactory(email="cp-matrix@test.example")
    board.round.competence_partners.add(partner)
    national = UserFactory(email="nl-matrix@test.example", is_national_lead=True)
    for user in (partner, national):
        client.force_login(user)
        text = export(client, board.round, "csv").content.decode("utf-8-sig")
        assert list(csv.reader(io.StringIO(text), delimiter=";")) == EXPECTED_ROWS


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "zip"])
def test_municipalities_get_403(client, board, fmt):
    """They see the round, not its exports: 403 (absolutt/access.py: 404 outside the scope only)."""
    bud = board.people["Bud"]
    member = CoreGroupMemberFactory(participant=bud, email="medlem-bud@test.example")
    member.user = UserFactory(email=member.email)
    member.save()
    for user in (bud.coordinator, member.user):
        client.force_login(user)
        assert export(client, board.round, fmt).status_code == 403


@pytest.mark.parametrize("title", ["=HYPERLINK(\"http://x.example\",\"klikk\")", "+1+1", "-2", "@SUM(A1)"])
def test_user_text_is_not_a_formula(client, board, title):
    """Assignment titles are typed by people: a title starting with = + - @ must come out as text."""
    AssignmentFactory(round=board.round, title=title)
    client.force_login(board.rc)
    header = next(csv.reader(io.StringIO(export(client, board.round, "csv").content.decode("utf-8-sig")),
                             delimiter=";"))
    assert "'" + title in header
    ws = load_workbook(io.BytesIO(export(client, board.round, "xlsx").content)).active
    cells = [c for c in ws[2] if c.value and str(c.value).endswith(title)]
    assert len(cells) == 1 and cells[0].data_type == "s" and cells[0].value == "'" + title


def test_control_characters_in_titles_do_not_break_the_xlsx(client, board):
    """Text pasted from Word can carry control characters that openpyxl refuses."""
    AssignmentFactory(round=board.round, title="Plan\x0bfor\x07oppvekst")
    board.round.title = "Runde\x0b1"
    board.round.save()
    client.force_login(board.rc)
    response = export(client, board.round, "xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "Runde1"
    assert "Planforoppvekst" in [c.value for c in ws[2]]


# --- The zip of delivered texts and files ---------------------------------------------------------

def read_zip(response) -> dict[str, bytes]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        names = zf.namelist()
        assert len(names) == len(set(names)), f"duplicate names in the zip: {names}"
        assert zf.testzip() is None
        return {name: zf.read(name) for name in names}


def test_zip_contains_every_version_text_and_files(client, board):
    """Eide delivered v1 with a file, got it back, replaced the file and delivered v2: both versions, each
    with its own text and files, are in the zip; drafts are not."""
    eide, a1 = board.people["Eide"], board.a1
    mc = eide.coordinator
    member = CoreGroupMemberFactory(participant=eide, name="Ola Ordfører", role_category="elected")
    sub = submission(a1, eide)
    # Eide's v1 (made in the board) had no file; deliver v2 with a file, return it and deliver v3 with a new one
    write(sub, "Eide v2 med Ungdata", mc, [member])
    services.file_attach(submission=sub, upload=pdf("ungdata.pdf", b"%PDF ungdata"), by_user=mc)
    services.submission_deliver(submission=sub, by_user=mc)
    services.submission_return(submission=sub, by_user=board.rc, comment="Legg ved planen")
    old = sub.files.get(version__isnull=True)
    services.file_remove(submission=sub, file=old)
    services.file_attach(submission=sub, upload=pdf("plan.pdf", b"%PDF plan"), by_user=mc)
    deliver(sub, "Eide v3 med plan", mc)
    write(submission(board.a2, eide), "Bare et utkast", mc)  # a draft: not in the zip

    client.force_login(board.rc)
    response = export(client, board.round, "zip")
    assert response["Content-Disposition"] == 'attachment; filename="innleveringer-absolutt-matrise.zip"'
    files = read_zip(response)
    eide_files = {n: c for n, c in files.items() if n.startswith("eide/")}
    assert sorted(eide_files) == [
        "eide/stasted/v1/tekst.txt",
        "eide/stasted/v2/tekst.txt", "eide/stasted/v2/ungdata.pdf",
        "eide/stasted/v3/plan.pdf", "eide/stasted/v3/tekst.txt",
    ]
    v1 = eide_files["eide/stasted/v1/tekst.txt"].decode()
    v2 = eide_files["eide/stasted/v2/tekst.txt"].decode()
    v3 = eide_files["eide/stasted/v3/tekst.txt"].decode()
    assert "Eide ståsted" in v1 and "Ståsted" in v1 and "Eide" in v1
    assert "Eide v2 med Ungdata" in v2 and "Ola Ordfører (elected)" in v2
    assert "Eide v3 med plan" in v3
    assert eide_files["eide/stasted/v2/ungdata.pdf"] == b"%PDF ungdata"
    assert eide_files["eide/stasted/v3/plan.pdf"] == b"%PDF plan"
    assert not any(b"Bare et utkast" in c for c in files.values())

    # every delivered version of the round is there, once
    texts = [n for n in files if n.endswith("/tekst.txt")]
    assert len(texts) == SubmissionVersion.objects.filter(submission__assignment__round=board.round).count() == 6
    assert "aukra/fremtidsbilde/v1/tekst.txt" in files and "bud/stasted/v1/tekst.txt" in files
    assert not any(n.startswith("frna/") or n.startswith("fraena/") for n in files)


def test_zip_keeps_files_with_the_same_name(client, board):
    """Two files called plan.pdf in one version, a file called tekst.txt, and two assignments with the same
    title: nothing is overwritten or hidden in the zip."""
    bud = board.people["Bud"]
    same_title = AssignmentFactory(round=board.round, title=board.a1.title)
    sub = submission(board.a2, bud)
    write(sub, "Tekst", bud.coordinator)
    for body in (b"%PDF en", b"%PDF to"):
        services.file_attach(submission=sub, upload=pdf("plan.pdf", body), by_user=bud.coordinator)
    services.file_attach(submission=sub, upload=pdf("tekst.txt", b"vedlagt tekstfil"), by_user=bud.coordinator)
    services.submission_deliver(submission=sub, by_user=bud.coordinator)
    deliver(submission(same_title, bud), "Samme tittel, annen oppgave", bud.coordinator)

    client.force_login(board.rc)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # zipfile warns about duplicate names
        files = read_zip(export(client, board.round, "zip"))
    bud_files = {n: c for n, c in files.items() if n.startswith("bud/")}
    contents = list(bud_files.values())
    assert b"%PDF en" in contents and b"%PDF to" in contents and b"vedlagt tekstfil" in contents
    assert any(b"Bud st\xc3\xa5sted" in c for c in contents)
    assert any(b"Samme tittel, annen oppgave" in c for c in contents)


def test_zip_of_the_national_lead_has_every_participant(client, board):
    client.force_login(UserFactory(email="nl-zip@test.example", is_national_lead=True))
    files = read_zip(export(client, board.round, "zip"))
    assert {n.split("/")[0] for n in files} == {"aukra", "bud", "eide"}

"""The municipality register importer (``municipalities.register`` and ``manage.py import_register``).

The CSV tests read the 2024 register shipped with the project (``municipalities/data/register-2024``). The
KLASS tests use the small fixtures in ``tests/fixtures/klass``.
"""

import io
import json
import time
import urllib.error
from datetime import date
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError, Sum

from municipalities.models import County, Municipality, Participant
from municipalities.register import (
    SNAPSHOT_DIR,
    RegisterImportError,
    register_import_csv,
    register_import_klass,
)
from programmes.models import Region, Round

FIXTURES = Path(__file__).parent.parent / "fixtures" / "klass"
JAN_2024 = date(2024, 1, 1)
COUNTY_SIZES_2024 = {
    "03": 1, "11": 23, "15": 27, "18": 41, "31": 12, "32": 21, "33": 18, "34": 46, "39": 6, "40": 17,
    "42": 25, "46": 43, "50": 38, "55": 21, "56": 18,
}


def klass(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def shared_data() -> Path:
    """The 2024 register shipped inside the project (municipalities/data/register-2024)."""
    assert (SNAPSHOT_DIR / "kommuner-2024.csv").is_file()
    return SNAPSHOT_DIR


def current_municipalities():
    return Municipality.objects.filter(valid_to__isnull=True)


def current_counties():
    return County.objects.filter(valid_to__isnull=True)


def snapshot() -> tuple:
    """Everything the importer writes, to compare before and after."""
    return (
        list(Municipality.objects.order_by("number").values_list(
            "number", "name", "short_name", "county__number", "population", "administrative_centre",
            "valid_from", "valid_to",
        )),
        list(County.objects.order_by("number").values_list(
            "number", "name", "official_name", "population", "valid_from", "valid_to",
        )),
        sorted(Municipality.successors.through.objects.values_list(
            "from_municipality__number", "to_municipality__number",
        )),
    )


def successor_numbers(number: str) -> list[str]:
    return sorted(m.number for m in Municipality.objects.get(number=number).successors.all())


def participant_on(number: str) -> Participant:
    region = Region.objects.create(name="Viken test", slug="viken-test")
    round_ = Round.objects.create(
        region=region, title="ABSOLUTT Viken 2023", starts_on=date(2023, 2, 1), ends_on=date(2023, 11, 30)
    )
    return Participant.objects.create(round=round_, municipality=Municipality.objects.get(number=number))


# --- CSV ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_csv_import_gives_the_2024_register(shared_data):
    started = time.perf_counter()
    report = register_import_csv(data_dir=shared_data)
    elapsed = time.perf_counter() - started

    assert elapsed < 2.0, f"the CSV import took {elapsed:.2f} s"
    assert report.as_of == JAN_2024
    counts = report.municipalities
    assert (counts.created, counts.updated, counts.ended) == (357, 0, 0)
    assert report.counties.created == 15

    assert current_municipalities().count() == 357
    assert current_counties().count() == 15
    assert not current_municipalities().filter(valid_from__gt=JAN_2024).exists()
    assert not current_counties().filter(valid_from__gt=JAN_2024).exists()
    assert current_municipalities().aggregate(total=Sum("population"))["total"] == 5_550_203
    assert current_counties().aggregate(total=Sum("population"))["total"] == 5_550_203
    sizes = {c.number: c.municipalities.filter(valid_to__isnull=True).count() for c in current_counties()}
    assert sizes == COUNTY_SIZES_2024

    oslo = Municipality.objects.get(number="0301")
    assert (oslo.name, oslo.short_name, oslo.population, oslo.county.number) == ("Oslo", "Oslo", 717710, "03")
    assert County.objects.get(number="03").name == "Oslo"
    kautokeino = Municipality.objects.get(number="5612")
    assert (kautokeino.name, kautokeino.short_name) == ("Guovdageaidnu - Kautokeino", "Kautokeino")
    assert kautokeino.administrative_centre == "Kautokeino"
    assert County.objects.get(number="55").official_name == "Troms - Romsa - Tromssa"


@pytest.mark.django_db
def test_csv_import_keeps_leading_zeros(shared_data):
    register_import_csv(data_dir=shared_data)

    assert Municipality.objects.filter(number="0301").exists()
    assert not Municipality.objects.filter(number="301").exists()
    assert County.objects.filter(number="03").exists()
    assert all(len(n) == 4 and n.isdigit() for n in Municipality.objects.values_list("number", flat=True))
    assert all(len(n) == 2 and n.isdigit() for n in County.objects.values_list("number", flat=True))


@pytest.mark.django_db
def test_csv_import_records_the_2023_codes_as_history(shared_data):
    """The change file's 114 old codes are added as ended rows, with their 115 successor links, so that older
    participant lists that use 30xx/38xx/54xx codes can still be matched."""
    report = register_import_csv(data_dir=shared_data)

    assert report.municipalities.history == 114
    assert report.successors_added == 115
    assert Municipality.objects.count() == 357 + 114
    assert Municipality.objects.filter(valid_to=JAN_2024).count() == 114
    drammen = Municipality.objects.get(number="3005")
    assert (drammen.name, drammen.valid_to, drammen.county.number) == ("Drammen", JAN_2024, "30")
    assert [m.number for m in drammen.successors.all()] == ["3301"]
    alesund = Municipality.objects.get(number="1507")
    assert sorted(m.number for m in alesund.successors.all()) == ["1508", "1580"]
    old_kautokeino = Municipality.objects.get(number="5430")
    assert old_kautokeino.display_name == "Kautokeino"
    assert [m.number for m in Municipality.objects.get(number="5612").predecessors.all()] == ["5430"]
    # The old counties are on record too, ended: the county list of 2024 does not have them.
    assert {c.number: (c.name, c.valid_to) for c in County.objects.filter(valid_to__isnull=False)} == {
        "30": ("Viken", JAN_2024),
        "38": ("Vestfold og Telemark", JAN_2024),
        "54": ("Troms og Finnmark", JAN_2024),
    }


@pytest.mark.django_db
def test_csv_import_twice_changes_nothing(shared_data):
    register_import_csv(data_dir=shared_data)
    before = snapshot()

    report = register_import_csv(data_dir=shared_data)

    assert snapshot() == before
    assert not report.changed
    assert (report.created, report.updated, report.ended, report.successors_added) == (0, 0, 0, 0)
    assert report.municipalities.unchanged == 357
    assert report.counties.unchanged == 15
    assert report.municipalities.history == report.counties.history == 0
    assert "Nothing changed: the register already matched this data." in report.summary()


@pytest.mark.django_db
def test_renumbering_keeps_history_klass_2023_then_csv_2024(shared_data):
    register_import_klass(municipalities_json=klass("klass-131-2023.json"))
    old_drammen = Municipality.objects.get(number="3005")
    participant = participant_on("3005")

    report = register_import_csv(data_dir=shared_data)

    old_drammen.refresh_from_db()
    participant.refresh_from_db()
    assert participant.municipality_id == old_drammen.pk
    assert old_drammen.valid_to == JAN_2024
    assert not old_drammen.is_current
    assert [m.number for m in old_drammen.successors.all()] == ["3301"]
    new_drammen = Municipality.objects.get(number="3301")
    assert new_drammen.is_current and new_drammen.county.number == "33"
    assert list(new_drammen.predecessors.all()) == [old_drammen]
    assert successor_numbers("1507") == ["1508", "1580"]
    # The 2023 import made counties 30 and 54 from their numbers; the 2024 county list ends them, and the
    # change file gives them their names.
    viken = County.objects.get(number="30")
    assert (viken.name, viken.valid_to) == ("Viken", JAN_2024)
    assert County.objects.get(number="15").is_current
    assert "3005 Drammen ended on 2024-01-01; continued as 3301." in report.messages
    # 1833 Rana was renamed «Rana - Raane» on 2024-01-01 but existed before: it keeps its earlier valid_from.
    rana = Municipality.objects.get(number="1833")
    assert (rana.name, rana.short_name, rana.valid_from) == ("Rana - Raane", "Rana", date(1964, 1, 1))
    assert current_municipalities().count() == 357
    assert Municipality.objects.count() == 357 + 114  # 1507, 3005, 3024 and 5401 are among the 114


# --- KLASS JSON ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_klass_import_creates_units_and_counties_from_numbers():
    report = register_import_klass(municipalities_json=klass("klass-131-2023.json"))

    assert report.as_of == date(2020, 1, 1)  # the latest validFrom in the data
    assert report.municipalities.created == 6
    assert sorted(Municipality.objects.values_list("number", flat=True)) == [
        "0301", "1507", "1833", "3005", "3024", "5401",
    ]  # 9999 «Uoppgitt» is left out
    assert sorted(County.objects.values_list("number", "name")) == [
        ("03", "03"), ("15", "15"), ("18", "18"), ("30", "30"), ("54", "54"),
    ]
    assert any("created from its number only" in m for m in report.messages)
    assert Municipality.objects.get(number="0301").short_name == "Oslo"


@pytest.mark.django_db
def test_newer_classification_updates_a_name_and_ends_units_never_deletes():
    register_import_klass(municipalities_json=klass("klass-131-2023.json"))
    participant = participant_on("3005")
    ids_before = set(Municipality.objects.values_list("pk", flat=True))

    report = register_import_klass(municipalities_json=klass("klass-131-2024.json"))

    assert ids_before <= set(Municipality.objects.values_list("pk", flat=True))  # nothing deleted
    assert report.as_of == JAN_2024
    counts = report.municipalities
    assert (counts.created, counts.updated, counts.ended, counts.unchanged) == (5, 1, 4, 1)
    rana = Municipality.objects.get(number="1833")
    assert (rana.name, rana.short_name, rana.valid_to) == ("Rana - Raane", "Rana", None)
    assert "1833: name 'Rana' -> 'Rana - Raane'." in report.messages
    ended = dict(Municipality.objects.filter(valid_to__isnull=False).values_list("number", "valid_to"))
    assert ended == {"1507": JAN_2024, "3005": JAN_2024, "3024": JAN_2024, "5401": JAN_2024}
    participant.refresh_from_db()
    assert participant.municipality.number == "3005"
    # No change list was given, so there are no links; and no county list, so no county is ended.
    assert report.successors_added == 0
    assert County.objects.filter(valid_to__isnull=False).count() == 0
    with pytest.raises(ProtectedError):
        Municipality.objects.get(number="3005").delete()


@pytest.mark.django_db
def test_klass_changes_and_county_list_link_successors_and_end_old_counties():
    register_import_klass(municipalities_json=klass("klass-131-2023.json"))
    participant = participant_on("3005")

    report = register_import_klass(
        municipalities_json=klass("klass-131-2024.json"),
        counties_json=klass("klass-104-2024.json"),
        changes_json=klass("klass-131-changes-2023-2024.json"),
    )

    assert report.successors_added == 5
    old = Municipality.objects.get(number="3005")
    assert [m.number for m in old.successors.all()] == ["3301"]
    assert list(Municipality.objects.get(number="3301").predecessors.all()) == [old]
    assert successor_numbers("1507") == ["1508", "1580"]
    assert not Municipality.objects.get(number="1833").successors.exists()  # a name change, same code
    participant.refresh_from_db()
    assert participant.municipality == old
    counties = {c.number: c for c in County.objects.all()}
    assert (counties["30"].valid_to, counties["54"].valid_to) == (JAN_2024, JAN_2024)
    assert counties["15"].is_current and counties["15"].name == "Møre og Romsdal"
    assert (counties["55"].name, counties["55"].official_name) == ("Troms", "Troms - Romsa - Tromssa")
    assert current_counties().count() == 15
    assert "99" not in counties
    assert Municipality.objects.get(number="3301").county == counties["33"]

    again = register_import_klass(
        municipalities_json=klass("klass-131-2024.json"),
        counties_json=klass("klass-104-2024.json"),
        changes_json=klass("klass-131-changes-2023-2024.json"),
    )
    assert not again.changed
    assert (again.municipalities.unchanged, again.counties.unchanged) == (7, 15)


@pytest.mark.django_db
def test_klass_changes_add_unknown_old_codes_as_history():
    report = register_import_klass(
        municipalities_json=klass("klass-131-2024.json"),
        changes_json=klass("klass-131-changes-2023-2024.json"),
    )

    assert report.municipalities.history == 4  # 1507, 3005, 3024, 5401
    old = Municipality.objects.get(number="3005")
    assert (old.name, old.valid_to, old.county.number) == ("Drammen", JAN_2024, "30")
    assert [m.number for m in old.successors.all()] == ["3301"]


@pytest.mark.django_db
def test_klass_change_date_is_the_end_date():
    register_import_klass(municipalities_json=klass("klass-131-2023.json"))
    changes = {"codeChanges": [
        {"oldCode": "3005", "oldName": "Drammen", "newCode": None, "changeOccurred": "2023-07-01"},
        {"oldCode": None, "newCode": "3301", "newName": "Drammen", "changeOccurred": "2024-01-01"},
        {"oldCode": "4444", "oldName": "Nowhere", "newCode": None, "changeOccurred": "2023-07-01"},
    ]}

    report = register_import_klass(municipalities_json=klass("klass-131-2024.json"), changes_json=changes)

    assert Municipality.objects.get(number="3005").valid_to == date(2023, 7, 1)
    assert Municipality.objects.get(number="3024").valid_to == JAN_2024  # not in the change list: as_of
    assert not Municipality.objects.filter(number="4444").exists()  # ceased, never known: no row
    assert report.successors_added == 0


@pytest.mark.django_db
def test_klass_codes_with_a_date_range():
    """``/codes?from=2023-01-01&to=2024-01-02``: several versions of a code, and codes that ended in the
    range. Codes still valid have the end of the range as validToInRequestedRange."""

    def entry(code, name, start, end):
        return {"code": code, "parentCode": None, "level": "1", "name": name, "shortName": "",
                "presentationName": "", "validFrom": None, "validTo": None,
                "validFromInRequestedRange": start, "validToInRequestedRange": end, "notes": ""}

    data = {"codes": [
        entry("0301", "Oslo", "2023-01-01", "2024-01-02"),
        entry("1833", "Rana", "2023-01-01", "2024-01-01"),
        entry("1833", "Rana - Raane", "2024-01-01", "2024-01-02"),
        entry("3005", "Drammen", "2023-01-01", "2024-01-01"),
        entry("3301", "Drammen", "2024-01-01", "2024-01-02"),
    ]}

    report = register_import_klass(municipalities_json=data, as_of=JAN_2024)

    assert (report.municipalities.created, report.municipalities.history) == (3, 1)
    assert Municipality.objects.get(number="1833").name == "Rana - Raane"
    assert Municipality.objects.get(number="3005").valid_to == JAN_2024
    assert current_municipalities().count() == 3


@pytest.mark.django_db
def test_klass_import_of_older_data_is_refused():
    register_import_klass(municipalities_json=klass("klass-131-2023.json"))
    register_import_klass(municipalities_json=klass("klass-131-2024.json"))
    before = snapshot()

    with pytest.raises(RegisterImportError, match="older data would undo"):
        register_import_klass(municipalities_json=klass("klass-131-2023.json"))

    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"codes": [{"code": "0301", "name": "Oslo"}, {"code": "301", "name": "Oslo"}]},
         "'301', which is not 4"),
        ({"codes": [{"code": 301, "name": "Oslo"}]}, "301, which is not 4 digits"),
        ({"codes": [{"code": "03", "name": "Oslo"}]}, "'03', which is not 4 digits"),
        ({"codes": [{"code": "0301", "name": ""}]}, "code 0301 has no name"),
        ({"codes": [{"code": "0301", "name": "Oslo", "validFrom": "1. januar"}]}, "which is not a date"),
        ({"codes": [{"code": "9999", "name": "Uoppgitt"}]}, "there are no codes in it"),
        ({"codes": []}, "there are no codes in it"),
        ([{"code": "0301", "name": "Oslo"}], "expected a JSON object with a 'codes' list"),
        ({"codes": [{"code": "0301", "name": "Oslo"}, {"code": "0301", "name": "Oslo - Oslove"}]},
         "listed 2 times"),
    ],
)
def test_klass_bad_input_saves_nothing(data, error):
    with pytest.raises(RegisterImportError, match=error):
        register_import_klass(municipalities_json=data)
    assert not Municipality.objects.exists()
    assert not County.objects.exists()


# --- CSV bad input (small files of our own in tmp_path) -----------------------------------------------------

MUNICIPALITY_HEADER = (
    "kommunenummer,navn,fylkesnummer,fylkesnavn,folketall_2024,navn_norsk,administrasjonssenter,klass_gyldig_fra"
)
COUNTY_CSV = (
    "fylkesnummer,navn,navn_offisielt,antall_kommuner,folketall_2024,klass_gyldig_fra\n"
    "03,Oslo,Oslo,1,717710,1919-01-01\n"
)


def csv_dir(tmp_path: Path, *rows: str) -> Path:
    text = "\n".join([MUNICIPALITY_HEADER, *rows]) + "\n"
    (tmp_path / "kommuner-2024.csv").write_text(text, encoding="utf-8")
    (tmp_path / "fylker-2024.csv").write_text(COUNTY_CSV, encoding="utf-8")
    return tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "error"),
    [
        ("301,Oslo,03,Oslo,717710,Oslo,Oslo,1925-01-01", "kommunenummer '301' is not 4 digits"),
        ("0301,Oslo,3,Oslo,717710,Oslo,Oslo,1925-01-01", "fylkesnummer '3' is not 2 digits"),
        ("0301,Oslo,11,Oslo,717710,Oslo,Oslo,1925-01-01", "does not match kommunenummer"),
        ("1101,Eigersund,11,Rogaland,mange,Eigersund,Egersund,1965-01-01", "is not a whole number"),
        ("1101,Eigersund,11,Rogaland,15221,Eigersund,Egersund,01.01.1965", "is not a date"),
        ("0301,Oslo,03,Oslo,717710", "wrong number of fields"),
        ("0301,Oslo,03,Oslo,717710,Oslo,Oslo,1925-01-01", "appears twice"),
    ],
)
def test_csv_bad_row_saves_nothing(tmp_path, row, error):
    folder = csv_dir(tmp_path, "0301,Oslo,03,Oslo,717710,Oslo,Oslo,1925-01-01", row)
    with pytest.raises(RegisterImportError, match=error):
        register_import_csv(data_dir=folder)
    assert not Municipality.objects.exists()
    assert not County.objects.exists()


@pytest.mark.django_db
def test_csv_missing_files_and_columns(tmp_path):
    with pytest.raises(RegisterImportError, match="Folder not found"):
        register_import_csv(data_dir=tmp_path / "nowhere")
    with pytest.raises(RegisterImportError, match="No kommuner-YYYY.csv"):
        register_import_csv(data_dir=tmp_path)
    (tmp_path / "kommuner-2024.csv").write_text("kommunenummer,navn\n0301,Oslo\n", encoding="utf-8")
    with pytest.raises(RegisterImportError, match="needs fylker-2024.csv"):
        register_import_csv(data_dir=tmp_path)
    (tmp_path / "fylker-2024.csv").write_text(COUNTY_CSV, encoding="utf-8")
    with pytest.raises(RegisterImportError, match="missing column"):
        register_import_csv(data_dir=tmp_path)


# --- The command --------------------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_register", *args, stdout=out)
    return out.getvalue()


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def fake_klass_api(request, timeout=None):
    url = request.full_url
    if "/classifications/131/codesAt" in url:
        return FakeResponse(json.dumps(klass("klass-131-2024.json")).encode())
    if "/classifications/104/codesAt" in url:
        return FakeResponse(json.dumps(klass("klass-104-2024.json")).encode())
    if "/classifications/131/changes" in url:
        return FakeResponse(json.dumps(klass("klass-131-changes-2023-2024.json")).encode())
    raise AssertionError(f"unexpected address {url}")


@pytest.mark.django_db
def test_command_klass_url_with_mocked_urlopen():
    register_import_klass(municipalities_json=klass("klass-131-2023.json"))

    with mock.patch("urllib.request.urlopen", side_effect=fake_klass_api) as urlopen:
        output = run("--klass-url", "https://klass.example/api/klass/v1/", "--date", "2024-01-01",
                     "--changes-since", "2023-01-01")

    requests = [c.args[0] for c in urlopen.call_args_list]
    assert [r.full_url for r in requests] == [
        "https://klass.example/api/klass/v1/classifications/131/codesAt?date=2024-01-01&language=nb",
        "https://klass.example/api/klass/v1/classifications/104/codesAt?date=2024-01-01&language=nb",
        "https://klass.example/api/klass/v1/classifications/131/changes?from=2023-01-01&to=2024-01-01&language=nb",
    ]
    assert all(r.get_header("Accept") == "application/json" for r in requests)
    assert "the data describes 2024-01-01." in output
    assert "Municipalities: 5 created, 1 updated, 1 unchanged, 4 ended." in output
    assert "Successor links added: 5." in output
    assert [m.number for m in Municipality.objects.get(number="3005").successors.all()] == ["3301"]
    assert current_counties().count() == 15


@pytest.mark.django_db
def test_command_klass_url_defaults_to_the_ssb_api_and_today():
    with mock.patch("urllib.request.urlopen", side_effect=fake_klass_api) as urlopen:
        run("--klass-url")
    url = urlopen.call_args_list[0].args[0].full_url
    assert url.startswith("https://data.ssb.no/api/klass/v1/classifications/131/codesAt?date=")
    assert len(urlopen.call_args_list) == 2  # no change list without --changes-since


@pytest.mark.django_db
def test_command_klass_url_errors():
    error = urllib.error.URLError("Name or service not known")
    with mock.patch("urllib.request.urlopen", side_effect=error):
        with pytest.raises(CommandError, match="Could not fetch"):
            run("--klass-url", "--date", "2024-01-01")
    with mock.patch("urllib.request.urlopen", return_value=FakeResponse(b"<codeList/>")):
        with pytest.raises(CommandError, match="not valid JSON"):
            run("--klass-url", "--date", "2024-01-01")
    with pytest.raises(CommandError, match="Not an http"):
        run("--klass-url", "file:///etc/passwd")
    assert not Municipality.objects.exists()


@pytest.mark.django_db
def test_command_klass_files(tmp_path):
    output = run(
        "--klass-file", str(FIXTURES / "klass-131-2024.json"),
        "--klass-counties-file", str(FIXTURES / "klass-104-2024.json"),
        "--klass-changes-file", str(FIXTURES / "klass-131-changes-2023-2024.json"),
    )
    assert "Municipalities: 7 created" in output
    assert "4 earlier ones added as ended (history)" in output
    assert "Counties: 15 created" in output

    output = run("--klass-file", str(FIXTURES / "klass-131-2024.json"), "-v", "2")
    assert "Nothing changed: the register already matched this data." in output


@pytest.mark.django_db
def test_command_csv(shared_data):
    output = run("--csv-dir", str(shared_data))
    assert "Municipalities: 357 created, 0 updated, 0 unchanged, 0 ended, 114 earlier ones added" in output
    assert "Counties: 15 created" in output
    assert "Successor links added: 115." in output

    output = run()  # the default folder is ../shared/data
    assert "Municipalities: 0 created, 0 updated, 357 unchanged, 0 ended." in output
    assert "Nothing changed" in output


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--klass-file", "/nonexistent/klass-131.json"], "File not found: /nonexistent/klass-131.json"),
        (["--klass-file", "BAD_JSON"], "is not valid JSON"),
        (["--klass-file", "NOT_4_DIGITS"], "'301', which is not 4 digits"),
        (["--klass-file", "OK", "--klass-counties-file", "NOT_4_DIGITS"], "which is not 2 digits"),
        (["--klass-file", "OK", "--date", "2024-13-01"], "--date must be a date as YYYY-MM-DD"),
        (["--klass-file", "OK", "--csv-dir", "/tmp"], "Give only one source"),
        (["--klass-counties-file", "OK"], "goes with --klass-file"),
        (["--changes-since", "2023-01-01", "--klass-file", "OK"], "--changes-since goes with --klass-url"),
        (["--csv-dir", "/nonexistent/data"], "Folder not found"),
        (["--date", "2024-01-01"], "--date goes with --klass-file or --klass-url"),
    ],
)
def test_command_bad_input(tmp_path, args, error):
    files = {
        "BAD_JSON": '{"codes": [{"code": "0301", "name": "Oslo"},',
        "NOT_4_DIGITS": '{"codes": [{"code": "0301", "name": "Oslo"}, {"code": "301", "name": "Oslo"}]}',
        "OK": '{"codes": [{"code": "0301", "name": "Oslo"}]}',
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    args = [str(tmp_path / a) if a in files else a for a in args]

    with pytest.raises(CommandError, match=error):
        run(*args)
    assert not Municipality.objects.exists()
    assert not County.objects.exists()

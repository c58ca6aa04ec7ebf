"""Import of the register of municipalities (KLASS 131) and counties (KLASS 104) from Statistics Norway.

Two sources are supported:

* KLASS API JSON: the ``codes`` list of ``/classifications/131/codesAt?date=...`` (or of
  ``/codes?from=...&to=...``), optionally the ``codes`` of classification 104 (counties) and the
  ``codeChanges`` list of ``/classifications/131/changes?from=...`` (old code -> new code).
* The reference CSV files (``kommuner-YYYY.csv``, ``fylker-YYYY.csv`` and optionally
  ``kommuneendringer-YYYY-YYYY.csv``), see ``shared/data/README.md``.

Rules, whatever the source:

* A unit is never deleted: a participant in an old round may reference it (``on_delete=PROTECT``). A unit
  that is no longer in the data is *ended*: ``valid_to`` is set to the date of the change (from the change
  list) or else to the date the data describes (``as_of``).
* A renumbered or split municipality keeps its row; the new row(s) go into ``successors``. An old code named
  in the change list that the register does not know yet is added as an ended row, so that older participant
  lists with old codes can still be matched.
* Running the same import twice changes nothing the second time.
* Counties are ended only when a county list is supplied. A county that a municipality needs but that does not
  exist yet is created from its number.
* Everything happens in one transaction, after the whole input has been checked: bad input saves nothing.
"""

from __future__ import annotations

import csv
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import County, Municipality

# The 2024 register shipped with the project (SSB's public figures: 357 municipalities, 15 counties and the
# 2023→2024 changes; sources in its README.md), so that the importer, the demo and the tests need nothing
# outside the repository.
SNAPSHOT_DIR = Path(__file__).resolve().parent / "data" / "register-2024"

KLASS_API_URL = "https://data.ssb.no/api/klass/v1"
MUNICIPALITY_CLASSIFICATION = 131
COUNTY_CLASSIFICATION = 104
UNKNOWN_CODES = frozenset({"9999", "99"})  # KLASS «Uoppgitt»

_MUNICIPALITY_CODE = re.compile(r"\d{4}")
_COUNTY_CODE = re.compile(r"\d{2}")
_PARALLEL_NAME_SEPARATOR = " - "  # «Guovdageaidnu - Kautokeino»
_COUNTY_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")  # «Herøy (Nordland)»


class RegisterImportError(ValueError):
    """The input cannot be imported. Nothing was saved."""


# --- Report ----------------------------------------------------------------------------------------------


@dataclass
class UnitCounts:
    """What an import did to one kind of unit. ``history`` counts units added already ended (old codes)."""

    created: int = 0
    updated: int = 0
    ended: int = 0
    unchanged: int = 0
    history: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.ended or self.history)


@dataclass
class ImportReport:
    source: str
    as_of: date
    municipalities: UnitCounts = field(default_factory=UnitCounts)
    counties: UnitCounts = field(default_factory=UnitCounts)
    successors_added: int = 0
    messages: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return self.municipalities.created + self.counties.created

    @property
    def updated(self) -> int:
        return self.municipalities.updated + self.counties.updated

    @property
    def ended(self) -> int:
        return self.municipalities.ended + self.counties.ended

    @property
    def unchanged(self) -> int:
        return self.municipalities.unchanged + self.counties.unchanged

    @property
    def changed(self) -> bool:
        return self.municipalities.changed or self.counties.changed or bool(self.successors_added)

    def summary(self) -> list[str]:
        """The counts in plain English, one line each."""

        def line(label: str, c: UnitCounts) -> str:
            text = (
                f"{label}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged, "
                f"{c.ended} ended"
            )
            if c.history:
                ones = "one" if c.history == 1 else "ones"
                text += f", {c.history} earlier {ones} added as ended (history)"
            return text + "."

        lines = [
            f"Imported {self.source}; the data describes {self.as_of.isoformat()}.",
            line("Municipalities", self.municipalities),
            line("Counties", self.counties),
            f"Successor links added: {self.successors_added}.",
        ]
        if not self.changed:
            lines.append("Nothing changed: the register already matched this data.")
        return lines


# --- Parsed input ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _MunicipalityData:
    number: str
    name: str
    short_name: str | None = None  # None: the source does not give the Norwegian name
    valid_from: date | None = None
    valid_to: date | None = None  # set: the unit had ended on this date (history entry)
    population: int | None = None  # None: not in the source, leave as it is
    administrative_centre: str | None = None


@dataclass(frozen=True)
class _CountyData:
    number: str
    name: str | None  # None: the source gives only the official name
    official_name: str
    valid_from: date | None = None
    valid_to: date | None = None
    population: int | None = None


@dataclass(frozen=True)
class _Change:
    old_number: str
    new_number: str | None  # None: the old code ceased without a successor
    occurred: date | None
    old_name: str = ""
    old_short_name: str | None = None


@dataclass
class _Dataset:
    source: str
    as_of: date
    municipalities: dict[str, _MunicipalityData]
    counties: dict[str, _CountyData] | None  # None: no county list supplied, so no county is ended
    changes: list[_Change] = field(default_factory=list)
    county_names: dict[str, str] = field(default_factory=dict)  # names for counties created from a number
    messages: list[str] = field(default_factory=list)


# --- Public functions ---------------------------------------------------------------------------------------


def register_import_klass(
    *,
    municipalities_json: Any,
    counties_json: Any | None = None,
    changes_json: Any | None = None,
    as_of: date | None = None,
) -> ImportReport:
    """Import KLASS API JSON: ``municipalities_json`` is the response of classification 131 (``codesAt`` or
    ``codes``), ``counties_json`` that of 104, ``changes_json`` that of ``/classifications/131/changes``.
    ``as_of`` is the date the data describes (the ``codesAt`` date); by default the latest ``validFrom``
    in it."""
    with transaction.atomic():
        dataset = _klass_dataset(
            municipalities_json=municipalities_json, counties_json=counties_json, changes_json=changes_json,
            as_of=as_of, source="KLASS data",
        )
        return _apply(dataset)


def register_import_klass_api(
    *,
    on: date | None = None,
    base_url: str = KLASS_API_URL,
    changes_since: date | None = None,
    timeout: float = 30.0,
) -> ImportReport:
    """Fetch classifications 131 and 104 valid on ``on`` (default today) from the KLASS API, and the 131
    changes since ``changes_since`` when given, then import them."""
    on = on or timezone.localdate()
    if changes_since is not None and changes_since > on:
        raise RegisterImportError("The changes date must not be after the date of the data.")
    municipalities_json = klass_fetch(
        klass_codes_at_url(base_url, MUNICIPALITY_CLASSIFICATION, on), timeout=timeout
    )
    counties_json = klass_fetch(klass_codes_at_url(base_url, COUNTY_CLASSIFICATION, on), timeout=timeout)
    changes_json = None
    if changes_since is not None:
        changes_json = klass_fetch(klass_changes_url(base_url, changes_since, on), timeout=timeout)
    with transaction.atomic():
        dataset = _klass_dataset(
            municipalities_json=municipalities_json, counties_json=counties_json, changes_json=changes_json,
            as_of=on, source=f"the KLASS API ({base_url})",
        )
        return _apply(dataset)


def register_import_csv(*, data_dir: Path) -> ImportReport:
    """Import ``kommuner-YYYY.csv``, ``fylker-YYYY.csv`` and, when present, ``kommuneendringer-XXXX-YYYY.csv``
    from ``data_dir`` (the newest year there). The data describes 1 January of that year."""
    with transaction.atomic():
        return _apply(_csv_dataset(Path(data_dir)))


def load_json_file(path: Path) -> Any:
    """Read a JSON file, with an error that says what is wrong."""
    path = Path(path)
    if not path.exists():
        raise RegisterImportError(f"File not found: {path}")
    if not path.is_file():
        raise RegisterImportError(f"Not a file: {path}")
    return _parse_json(path.read_bytes(), str(path))


def klass_codes_at_url(base_url: str, classification: int, on: date) -> str:
    query = urllib.parse.urlencode({"date": on.isoformat(), "language": "nb"})
    return f"{_checked_base_url(base_url)}/classifications/{classification}/codesAt?{query}"


def klass_changes_url(base_url: str, since: date, until: date) -> str:
    query = urllib.parse.urlencode({"from": since.isoformat(), "to": until.isoformat(), "language": "nb"})
    return f"{_checked_base_url(base_url)}/classifications/{MUNICIPALITY_CLASSIFICATION}/changes?{query}"


def klass_fetch(url: str, *, timeout: float = 30.0) -> Any:
    """GET a KLASS API address as JSON. KLASS answers XML unless asked for JSON in the Accept header (the
    ``.json`` suffix is deprecated)."""
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "absolutt-register-import"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise RegisterImportError(f"KLASS answered {exc.code} {exc.reason} for {url}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RegisterImportError(f"Could not fetch {url}: {reason}") from exc
    return _parse_json(body, url)


# --- KLASS JSON ---------------------------------------------------------------------------------------------


def _checked_base_url(base_url: str) -> str:
    parsed = urllib.parse.urlparse(base_url)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise RegisterImportError(f"Not an http(s) address: {base_url!r}")
    return base_url.rstrip("/")


def _parse_json(raw: bytes, label: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise RegisterImportError(f"{label} is not UTF-8 text: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise RegisterImportError(f"{label} is not valid JSON: {exc}") from exc


@dataclass(frozen=True)
class _KlassEntry:
    code: str
    name: str
    short_name: str | None
    valid_from: date | None  # the code's own validFrom, else validFromInRequestedRange
    start: date | None  # for choosing the version valid on as_of
    end: date | None  # None: still valid at the end of the data


def _klass_entries(data: Any, *, label: str, pattern: re.Pattern[str], digits: int) -> list[_KlassEntry]:
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list):
        raise RegisterImportError(
            f"{label}: expected a JSON object with a 'codes' list (KLASS codes or codesAt)."
        )
    raw_entries: list[tuple[dict[str, Any], str]] = []
    for position, item in enumerate(data["codes"], start=1):
        if not isinstance(item, dict):
            raise RegisterImportError(f"{label}: entry {position} is not an object.")
        code = item.get("code")
        if not isinstance(code, str) or not pattern.fullmatch(code.strip()):
            raise RegisterImportError(
                f"{label}: entry {position} has code {code!r}, which is not {digits} digits "
                "(codes must be text with their leading zeros)."
            )
        code = code.strip()
        if code in UNKNOWN_CODES:
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise RegisterImportError(f"{label}: code {code} has no name.")
        raw_entries.append((item, code))
    if not raw_entries:
        raise RegisterImportError(f"{label}: there are no codes in it; nothing was imported.")

    # ``codes?from=&to=`` gives the end of the requested range as validToInRequestedRange for codes that are
    # still valid; only an earlier end means that the code (or this name of it) ended.
    range_ends = [
        _date(item.get("validToInRequestedRange"), label, code, "validToInRequestedRange")
        for item, code in raw_entries
    ]
    range_end = max((d for d in range_ends if d), default=None)

    entries = []
    for (item, code), range_to in zip(raw_entries, range_ends, strict=True):
        valid_from = _date(item.get("validFrom"), label, code, "validFrom")
        valid_to = _date(item.get("validTo"), label, code, "validTo")
        range_from = _date(item.get("validFromInRequestedRange"), label, code, "validFromInRequestedRange")
        if valid_to is None and range_to is not None and range_to != range_end:
            valid_to = range_to
        short_name = item.get("shortName")
        entries.append(
            _KlassEntry(
                code=code,
                name=item["name"].strip(),
                short_name=short_name.strip() if isinstance(short_name, str) and short_name.strip() else None,
                valid_from=valid_from or range_from,
                start=range_from or valid_from,
                end=valid_to,
            )
        )
    return entries


def _date(value: Any, label: str, code: str, field_name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise RegisterImportError(
            f"{label}: code {code} has {field_name} {value!r}, which is not a date."
        ) from None


def _pick_versions(
    entries: list[_KlassEntry], as_of: date, label: str, messages: list[str]
) -> dict[str, tuple[_KlassEntry, date | None]]:
    """For each code, the version valid on ``as_of`` (end None), else its last version and the date it ended.
    Codes that only start after ``as_of`` are left out."""
    by_code: dict[str, list[_KlassEntry]] = defaultdict(list)
    for entry in entries:
        by_code[entry.code].append(entry)
    picked: dict[str, tuple[_KlassEntry, date | None]] = {}
    future = []
    for code, versions in sorted(by_code.items()):
        current = [
            v for v in versions if (v.start is None or v.start <= as_of) and (v.end is None or v.end > as_of)
        ]
        if len(current) > 1:
            raise RegisterImportError(
                f"{label}: code {code} is listed {len(current)} times as valid on {as_of}."
            )
        if current:
            picked[code] = (current[0], None)
            continue
        ended = [v for v in versions if v.end is not None and v.end <= as_of]
        if ended:
            last = max(ended, key=lambda v: v.end or date.min)
            picked[code] = (last, last.end)
        else:
            future.append(code)
    if future:
        messages.append(
            f"{label}: left out {len(future)} code(s) valid only after {as_of}: {', '.join(future)}."
        )
    return picked


def _klass_changes(data: Any, label: str) -> list[_Change]:
    if not isinstance(data, dict) or not isinstance(data.get("codeChanges"), list):
        raise RegisterImportError(
            f"{label}: expected a JSON object with a 'codeChanges' list (KLASS changes)."
        )
    changes = []
    for position, item in enumerate(data["codeChanges"], start=1):
        if not isinstance(item, dict):
            raise RegisterImportError(f"{label}: entry {position} is not an object.")
        codes = []
        for key in ("oldCode", "newCode"):
            code = item.get(key)
            if code in (None, ""):
                codes.append(None)
            elif isinstance(code, str) and _MUNICIPALITY_CODE.fullmatch(code.strip()):
                codes.append(code.strip())
            else:
                raise RegisterImportError(
                    f"{label}: entry {position} has {key} {code!r}, which is not 4 digits."
                )
        old, new = codes
        if old is None or old in UNKNOWN_CODES or old == new or new in UNKNOWN_CODES:
            continue  # a new code, a name change, or «Uoppgitt»: nothing to link
        occurred = _date(item.get("changeOccurred"), label, old, "changeOccurred")
        old_name = item.get("oldName") if isinstance(item.get("oldName"), str) else ""
        old_short = item.get("oldShortName") if isinstance(item.get("oldShortName"), str) else ""
        changes.append(
            _Change(
                old_number=old, new_number=new, occurred=occurred, old_name=old_name.strip(),
                old_short_name=old_short.strip() or None,
            )
        )
    return changes


def _klass_dataset(
    *, municipalities_json: Any, counties_json: Any | None, changes_json: Any | None, as_of: date | None,
    source: str,
) -> _Dataset:
    m_label = f"KLASS {MUNICIPALITY_CLASSIFICATION} (municipalities)"
    c_label = f"KLASS {COUNTY_CLASSIFICATION} (counties)"
    m_entries = _klass_entries(municipalities_json, label=m_label, pattern=_MUNICIPALITY_CODE, digits=4)
    c_entries = (
        _klass_entries(counties_json, label=c_label, pattern=_COUNTY_CODE, digits=2)
        if counties_json is not None else None
    )
    changes = _klass_changes(changes_json, "KLASS changes") if changes_json is not None else []
    if as_of is None:
        as_of = max((e.start for e in m_entries if e.start), default=None) or timezone.localdate()
    messages: list[str] = []

    municipalities = {}
    for code, (entry, ended_on) in _pick_versions(m_entries, as_of, m_label, messages).items():
        municipalities[code] = _MunicipalityData(
            number=code, name=entry.name, short_name=entry.short_name, valid_from=entry.valid_from,
            valid_to=ended_on,
        )
    counties = None
    if c_entries is not None:
        counties = {}
        for code, (entry, ended_on) in _pick_versions(c_entries, as_of, c_label, messages).items():
            counties[code] = _CountyData(
                number=code, name=entry.short_name, official_name=entry.name, valid_from=entry.valid_from,
                valid_to=ended_on,
            )
    return _Dataset(
        source=source, as_of=as_of, municipalities=municipalities, counties=counties, changes=changes,
        messages=messages,
    )


# --- CSV ----------------------------------------------------------------------------------------------------

_MUNICIPALITY_COLUMNS = (
    "kommunenummer", "navn", "fylkesnummer", "navn_norsk", "administrasjonssenter", "klass_gyldig_fra",
)
_COUNTY_COLUMNS = ("fylkesnummer", "navn", "navn_offisielt", "klass_gyldig_fra")
_CHANGE_COLUMNS = (
    "kommunenummer_2023", "navn_2023", "fylkesnummer_2023", "fylkesnavn_2023", "kommunenummer_2024",
    "endring",
)


def _csv_files(data_dir: Path) -> tuple[int, Path, Path, Path | None]:
    if not data_dir.is_dir():
        raise RegisterImportError(f"Folder not found: {data_dir}")
    years = sorted(
        int(m.group(1)) for p in data_dir.iterdir() if (m := re.fullmatch(r"kommuner-(\d{4})\.csv", p.name))
    )
    if not years:
        raise RegisterImportError(f"No kommuner-YYYY.csv file in {data_dir}")
    year = years[-1]
    municipalities = data_dir / f"kommuner-{year}.csv"
    counties = data_dir / f"fylker-{year}.csv"
    if not counties.is_file():
        raise RegisterImportError(f"{municipalities.name} needs {counties.name} next to it, in {data_dir}")
    changes = sorted(data_dir.glob(f"kommuneendringer-[0-9][0-9][0-9][0-9]-{year}.csv"))
    return year, municipalities, counties, (changes[-1] if changes else None)


def _read_csv(path: Path, required: Iterable[str]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = list(reader.fieldnames or [])
            missing = [c for c in required if c not in columns]
            if missing:
                raise RegisterImportError(f"{path.name}: missing column(s) {', '.join(missing)}.")
            rows = []
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    raise RegisterImportError(f"{path.name} line {reader.line_num}: wrong number of fields.")
                rows.append((reader.line_num, {k: v.strip() for k, v in row.items()}))
            return columns, rows
    except UnicodeDecodeError as exc:
        raise RegisterImportError(f"{path.name} is not UTF-8 text: {exc}") from exc
    except csv.Error as exc:
        raise RegisterImportError(f"{path.name} is not a readable CSV file: {exc}") from exc


def _csv_code(value: str, pattern: re.Pattern[str], where: str, column: str) -> str:
    if not pattern.fullmatch(value):
        digits = 4 if pattern is _MUNICIPALITY_CODE else 2
        raise RegisterImportError(
            f"{where}: {column} {value!r} is not {digits} digits "
            "(keep the leading zeros: read codes as text)."
        )
    return value


def _csv_int(value: str, where: str, column: str) -> int | None:
    if value == "":
        return None
    if not value.isdigit():
        raise RegisterImportError(f"{where}: {column} {value!r} is not a whole number.")
    return int(value)


def _csv_date(value: str, where: str, column: str) -> date | None:
    if value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RegisterImportError(f"{where}: {column} {value!r} is not a date (YYYY-MM-DD).") from None


def _csv_dataset(data_dir: Path) -> _Dataset:
    year, m_path, c_path, ch_path = _csv_files(data_dir)
    as_of = date(year, 1, 1)

    columns, rows = _read_csv(m_path, _MUNICIPALITY_COLUMNS)
    population_column = next((c for c in columns if c.startswith("folketall")), None)
    if population_column is None:
        raise RegisterImportError(f"{m_path.name}: missing column folketall_{year}.")
    municipalities: dict[str, _MunicipalityData] = {}
    for line, row in rows:
        where = f"{m_path.name} line {line}"
        number = _csv_code(row["kommunenummer"], _MUNICIPALITY_CODE, where, "kommunenummer")
        county = _csv_code(row["fylkesnummer"], _COUNTY_CODE, where, "fylkesnummer")
        if county != number[:2]:
            raise RegisterImportError(
                f"{where}: fylkesnummer {county} does not match kommunenummer {number}."
            )
        if number in municipalities:
            raise RegisterImportError(f"{where}: kommunenummer {number} appears twice.")
        if not row["navn"]:
            raise RegisterImportError(f"{where}: navn is empty.")
        municipalities[number] = _MunicipalityData(
            number=number, name=row["navn"], short_name=row["navn_norsk"] or None,
            valid_from=_csv_date(row["klass_gyldig_fra"], where, "klass_gyldig_fra"),
            population=_csv_int(row[population_column], where, population_column),
            administrative_centre=row["administrasjonssenter"],
        )
    if not municipalities:
        raise RegisterImportError(f"{m_path.name} has no rows; nothing was imported.")

    c_columns, c_rows = _read_csv(c_path, _COUNTY_COLUMNS)
    c_population = next((c for c in c_columns if c.startswith("folketall")), None)
    counties: dict[str, _CountyData] = {}
    for line, row in c_rows:
        where = f"{c_path.name} line {line}"
        number = _csv_code(row["fylkesnummer"], _COUNTY_CODE, where, "fylkesnummer")
        if number in counties:
            raise RegisterImportError(f"{where}: fylkesnummer {number} appears twice.")
        if not row["navn"]:
            raise RegisterImportError(f"{where}: navn is empty.")
        counties[number] = _CountyData(
            number=number, name=row["navn"], official_name=row["navn_offisielt"] or row["navn"],
            valid_from=_csv_date(row["klass_gyldig_fra"], where, "klass_gyldig_fra"),
            population=_csv_int(row[c_population], where, c_population) if c_population else None,
        )
    if not counties:
        raise RegisterImportError(f"{c_path.name} has no rows; nothing was imported.")

    changes: list[_Change] = []
    county_names: dict[str, str] = {}
    if ch_path is not None:
        _columns, ch_rows = _read_csv(ch_path, _CHANGE_COLUMNS)
        for line, row in ch_rows:
            where = f"{ch_path.name} line {line}"
            old = _csv_code(row["kommunenummer_2023"], _MUNICIPALITY_CODE, where, "kommunenummer_2023")
            new = _csv_code(row["kommunenummer_2024"], _MUNICIPALITY_CODE, where, "kommunenummer_2024")
            old_county = _csv_code(row["fylkesnummer_2023"], _COUNTY_CODE, where, "fylkesnummer_2023")
            if old_county != old[:2]:
                raise RegisterImportError(f"{where}: fylkesnummer_2023 {old_county} does not match {old}.")
            if row["fylkesnavn_2023"]:
                county_names.setdefault(old_county, row["fylkesnavn_2023"])
            # A new number for the same municipality keeps its Norwegian name; ``navn_2023`` holds only the
            # first-listed name (e.g. «Guovdageaidnu» for Kautokeino), see the README of the data.
            successor = municipalities.get(new)
            short = successor.short_name if successor and row["endring"] == "nytt_nummer" else None
            changes.append(
                _Change(old_number=old, new_number=new, occurred=as_of, old_name=row["navn_2023"] or old,
                        old_short_name=short)
            )
    return _Dataset(
        source=f"the CSV files in {data_dir} ({year})", as_of=as_of, municipalities=municipalities,
        counties=counties, changes=changes, county_names=county_names,
    )


# --- Writing ------------------------------------------------------------------------------------------------


def _name_parts(name: str) -> list[str]:
    return [_COUNTY_QUALIFIER.sub("", part).strip() for part in name.split(_PARALLEL_NAME_SEPARATOR)]


def _norwegian_name(official: str, given: str | None, current: str) -> str:
    """The Norwegian name: as given by the source; else the one on record when it is still part of the
    official name; else the official name when it has no parallel names (without a county qualifier). Blank
    when unknown (``display_name`` then shows the official name)."""
    if given:
        return given
    parts = _name_parts(official)
    if current and current in parts:
        return current
    return parts[0] if len(parts) == 1 else ""


def _county_name(data: _CountyData, current: str) -> str:
    if data.name:
        return data.name
    parts = _name_parts(data.official_name)
    if current and current != data.number and current in parts:
        return current
    return parts[0]  # counties list the Norwegian name first («Troms - Romsa - Tromssa»)


def _county_label(county: County) -> str:
    return county.number if county.name == county.number else f"{county.number} {county.name}"


def _valid_from(unit, data):
    """When a unit the register lists again is valid from: one still valid keeps its earliest start; one that
    had ended starts again from the register's date (or keeps its old one when the register gives none)."""
    if unit.valid_to is None:
        return _earliest(unit.valid_from, data.valid_from)
    return data.valid_from or unit.valid_from


def _earliest(a: date | None, b: date | None) -> date | None:
    return min(a, b) if a and b else (a or b)


def _check_not_older(as_of: date) -> None:
    later = [
        d
        for model in (Municipality, County)
        if (d := model.objects.filter(valid_to__gt=as_of).order_by("-valid_to")
            .values_list("valid_to", flat=True).first())
    ]
    if later:
        raise RegisterImportError(
            f"The register already records changes on {max(later)}, after {as_of}, the date of this data. "
            "Importing older data would undo them; nothing was imported."
        )


def _apply(ds: _Dataset) -> ImportReport:
    report = ImportReport(source=ds.source, as_of=ds.as_of, messages=list(ds.messages))
    _check_not_older(ds.as_of)
    counties = _apply_counties(ds, report)
    _apply_municipalities(ds, report, counties)
    return report


def _apply_counties(ds: _Dataset, report: ImportReport) -> dict[str, County]:
    counts = report.counties
    existing = {c.number: c for c in County.objects.select_for_update()}
    to_create: list[County] = []
    to_update: dict[str, County] = {}

    if ds.counties is not None:
        for number, data in sorted(ds.counties.items()):
            county = existing.get(number)
            if county is None:
                county = County(
                    number=number, name=_county_name(data, ""), official_name=data.official_name,
                    population=data.population, valid_from=data.valid_from, valid_to=data.valid_to,
                )
                to_create.append(county)
                existing[number] = county
                if data.valid_to:
                    counts.history += 1
                else:
                    counts.created += 1
                continue
            if data.valid_to is not None:  # ended in the data
                if county.valid_to is None:
                    county.valid_to = data.valid_to
                    to_update[number] = county
                    counts.ended += 1
                    report.messages.append(f"County {_county_label(county)} ended on {data.valid_to}.")
                continue
            wanted = {
                "name": _county_name(data, county.name), "official_name": data.official_name,
                "valid_from": _valid_from(county, data),
                "valid_to": None,
            }
            if data.population is not None:
                wanted["population"] = data.population
            changed = [f for f, v in wanted.items() if getattr(county, f) != v]
            if not changed:
                counts.unchanged += 1
                continue
            if county.valid_to is not None:
                report.messages.append(f"County {number} had ended on {county.valid_to} and is valid again.")
            if county.name != wanted["name"]:
                report.messages.append(f"County {number}: name {county.name!r} -> {wanted['name']!r}.")
            for f in changed:
                setattr(county, f, wanted[f])
            to_update[number] = county
            counts.updated += 1
        for number, county in sorted(existing.items()):
            if number not in ds.counties and county.valid_to is None and county.pk:
                county.valid_to = ds.as_of
                to_update[number] = county
                counts.ended += 1
                report.messages.append(
                    f"County {_county_label(county)} is not in the county list: ended on {ds.as_of}."
                )

    # Counties that municipalities need but that nobody has listed: create them from their number.
    current_needs = {m.number[:2] for m in ds.municipalities.values() if m.valid_to is None}
    history_needs = {m.number[:2] for m in ds.municipalities.values()}
    history_needs |= {c.old_number[:2] for c in ds.changes if c.new_number}
    for number in sorted(current_needs | history_needs):
        county = existing.get(number)
        name = ds.county_names.get(number)
        if county is None:
            ended = ds.counties is not None and number not in current_needs
            county = County(
                number=number, name=name or number, official_name=name or "",
                valid_to=ds.as_of if ended else None,
            )
            to_create.append(county)
            existing[number] = county
            if ended:
                counts.history += 1
            else:
                counts.created += 1
                if ds.counties is not None:
                    report.messages.append(
                        f"County {number} is not in the county list but has municipalities; created it."
                    )
            if not name:
                report.messages.append(
                    f"County {number} was created from its number only; import the county list (KLASS 104) "
                    "to give it a name."
                )
        elif name and county.name == number and county.pk:
            # A county first created from its number gets its name.
            county.name, county.official_name = name, county.official_name or name
            if number not in to_update:
                counts.updated += 1
            to_update[number] = county

    County.objects.bulk_create(to_create)
    if to_update:
        County.objects.bulk_update(
            list(to_update.values()), ["name", "official_name", "population", "valid_from", "valid_to"]
        )
    return {c.number: c for c in County.objects.all()}


def _apply_municipalities(ds: _Dataset, report: ImportReport, counties: dict[str, County]) -> None:
    counts = report.municipalities
    existing = {m.number: m for m in Municipality.objects.select_for_update()}
    ended_by_change = {c.old_number: c.occurred for c in ds.changes if c.occurred}
    to_create: list[Municipality] = []
    to_update: dict[str, Municipality] = {}
    newly_ended: list[Municipality] = []

    for number, data in sorted(ds.municipalities.items()):
        municipality = existing.get(number)
        county = counties[number[:2]]
        if municipality is None:
            municipality = Municipality(
                number=number, name=data.name, short_name=_norwegian_name(data.name, data.short_name, ""),
                county=county, population=data.population,
                administrative_centre=data.administrative_centre or "",
                valid_from=data.valid_from, valid_to=data.valid_to,
            )
            to_create.append(municipality)
            if data.valid_to:
                counts.history += 1
            else:
                counts.created += 1
            continue
        if data.valid_to is not None:  # the data says it has ended
            if municipality.valid_to is None:
                municipality.valid_to = data.valid_to
                to_update[number] = municipality
                newly_ended.append(municipality)
                counts.ended += 1
            continue
        wanted: dict[str, Any] = {
            "name": data.name,
            "short_name": _norwegian_name(data.name, data.short_name, municipality.short_name),
            "county_id": county.pk,
            "valid_from": _valid_from(municipality, data),
            "valid_to": None,
        }
        if data.population is not None:
            wanted["population"] = data.population
        if data.administrative_centre is not None:
            wanted["administrative_centre"] = data.administrative_centre
        changed = [f for f, v in wanted.items() if getattr(municipality, f) != v]
        if not changed:
            counts.unchanged += 1
            continue
        if municipality.valid_to is not None:
            report.messages.append(
                f"{number} {data.name} had ended on {municipality.valid_to} and is valid again."
            )
        if municipality.name != data.name:
            report.messages.append(f"{number}: name {municipality.name!r} -> {data.name!r}.")
        for f in changed:
            setattr(municipality, f, wanted[f])
        to_update[number] = municipality
        counts.updated += 1

    # Units that are no longer in the data end, on the date of their change when the change list gives it.
    for number, municipality in sorted(existing.items()):
        if number not in ds.municipalities and municipality.valid_to is None:
            municipality.valid_to = ended_by_change.get(number) or ds.as_of
            to_update[number] = municipality
            newly_ended.append(municipality)
            counts.ended += 1

    # Old codes in the change list that the register has never had: add them, ended, for the history.
    history_added: dict[str, Municipality] = {}
    for change in ds.changes:
        number = change.old_number
        if change.new_number is None:
            continue  # ceased without a successor: ended above if the register has it; no new row
        if number in existing or number in ds.municipalities or number in history_added:
            continue
        name = change.old_name or number
        municipality = Municipality(
            number=number, name=name, short_name=_norwegian_name(name, change.old_short_name, ""),
            county=counties[number[:2]], valid_to=change.occurred or ds.as_of,
        )
        history_added[number] = municipality
        counts.history += 1
    if history_added:
        example = next(iter(history_added.values()))
        report.messages.append(
            f"Added {len(history_added)} earlier municipality code(s) from the change list as ended, so "
            f"that old codes resolve to their successors (e.g. {example.number} {example.display_name})."
        )

    Municipality.objects.bulk_create(to_create + list(history_added.values()))
    if to_update:
        Municipality.objects.bulk_update(
            list(to_update.values()),
            ["name", "short_name", "county", "population", "administrative_centre", "valid_from", "valid_to"],
        )
    report.successors_added = _link_successors(ds, report)

    successors: dict[str, list[str]] = defaultdict(list)
    for change in ds.changes:
        if change.new_number:
            successors[change.old_number].append(change.new_number)
    for municipality in newly_ended:
        text = f"{municipality.number} {municipality.display_name} ended on {municipality.valid_to}"
        if successors.get(municipality.number):
            text += f"; continued as {', '.join(sorted(set(successors[municipality.number])))}"
        report.messages.append(text + ".")


def _link_successors(ds: _Dataset, report: ImportReport) -> int:
    if not ds.changes:
        return 0
    ids = dict(Municipality.objects.values_list("number", "pk"))
    through = Municipality.successors.through
    have = set(through.objects.values_list("from_municipality_id", "to_municipality_id"))
    new_links = []
    still_valid, unknown = set(), set()
    for change in ds.changes:
        if change.new_number is None:
            continue
        current = ds.municipalities.get(change.old_number)
        if current is not None and current.valid_to is None:
            still_valid.add(change.old_number)
            continue
        if change.new_number not in ids:
            unknown.add(change.new_number)
            continue
        pair = (ids[change.old_number], ids[change.new_number])
        if pair not in have:
            have.add(pair)
            new_links.append(through(from_municipality_id=pair[0], to_municipality_id=pair[1]))
    through.objects.bulk_create(new_links)
    if still_valid:
        report.messages.append(
            f"Change list: not linked, as still valid in the data: {', '.join(sorted(still_valid))}."
        )
    if unknown:
        report.messages.append(
            f"Change list: not linked, as the new code is not in the register: {', '.join(sorted(unknown))}."
        )
    return len(new_links)

"""``manage.py import_register``: import municipalities and counties from Statistics Norway (KLASS) or from
the reference CSV files. The work is done by ``municipalities.register``; this parses arguments and prints."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from municipalities.register import (
    KLASS_API_URL,
    SNAPSHOT_DIR,
    ImportReport,
    RegisterImportError,
    load_json_file,
    register_import_csv,
    register_import_klass,
    register_import_klass_api,
)

MAX_MESSAGES = 20


def default_csv_dir() -> Path:
    return SNAPSHOT_DIR


def _date_option(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} must be a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Import the register of municipalities (KLASS 131) and counties (KLASS 104). Give one source: "
        "--csv-dir (default: ../shared/data next to the project), --klass-file or --klass-url. "
        "Units are never deleted: those no longer in the data are ended, renumbered ones get successors. "
        "Running the same import twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--csv-dir", type=Path, metavar="PATH",
            help="Folder with kommuner-YYYY.csv, fylker-YYYY.csv and kommuneendringer-XXXX-YYYY.csv "
                 f"(default: {default_csv_dir()}, if it exists).",
        )
        parser.add_argument(
            "--klass-file", type=Path, metavar="PATH",
            help="JSON file with the KLASS 131 codes (the answer of codesAt or codes).",
        )
        parser.add_argument(
            "--klass-counties-file", type=Path, metavar="PATH",
            help="JSON file with the KLASS 104 codes (counties). Counties not in it are ended.",
        )
        parser.add_argument(
            "--klass-changes-file", type=Path, metavar="PATH",
            help="JSON file with the KLASS 131 changes (codeChanges: oldCode -> newCode), for successors.",
        )
        parser.add_argument(
            "--klass-url", nargs="?", const=KLASS_API_URL, metavar="URL",
            help=f"Fetch 131 and 104 from the KLASS API at this address (default {KLASS_API_URL}).",
        )
        parser.add_argument(
            "--date", metavar="YYYY-MM-DD",
            help="The date the data describes: the codesAt date for --klass-url (default today); for "
                 "--klass-file the date units that are missing are ended on (default: the latest validFrom).",
        )
        parser.add_argument(
            "--changes-since", metavar="YYYY-MM-DD",
            help="With --klass-url: also fetch the 131 changes from this date, to link successors.",
        )

    def handle(self, *args, **options) -> None:
        csv_dir: Path | None = options["csv_dir"]
        klass_file: Path | None = options["klass_file"]
        klass_url: str | None = options["klass_url"]
        on = _date_option(options["date"], "--date")
        changes_since = _date_option(options["changes_since"], "--changes-since")

        sources = [name for name, value in (("--csv-dir", csv_dir), ("--klass-file", klass_file),
                                            ("--klass-url", klass_url)) if value is not None]
        if len(sources) > 1:
            raise CommandError(f"Give only one source, not {' and '.join(sources)}.")
        klass_extras = [name for name, key in (("--klass-counties-file", "klass_counties_file"),
                                               ("--klass-changes-file", "klass_changes_file"))
                        if options[key] is not None]
        if klass_extras and klass_file is None:
            raise CommandError(f"{', '.join(klass_extras)} goes with --klass-file.")
        if changes_since is not None and klass_url is None:
            raise CommandError("--changes-since goes with --klass-url.")

        try:
            if klass_url is not None:
                report = register_import_klass_api(on=on, base_url=klass_url, changes_since=changes_since)
            elif klass_file is not None:
                report = register_import_klass(
                    municipalities_json=load_json_file(klass_file),
                    counties_json=_optional_json(options["klass_counties_file"]),
                    changes_json=_optional_json(options["klass_changes_file"]),
                    as_of=on,
                )
            else:
                if on is not None:
                    raise CommandError(
                        "--date goes with --klass-file or --klass-url; the CSV files are dated."
                    )
                if csv_dir is None:
                    csv_dir = default_csv_dir()
                    if not csv_dir.is_dir():
                        raise CommandError(
                            f"No source given and the default folder {csv_dir} does not exist. "
                            "Use --csv-dir, --klass-file or --klass-url."
                        )
                report = register_import_csv(data_dir=csv_dir)
        except RegisterImportError as exc:
            message = str(exc)
            if "nothing was" not in message.lower():
                message += " Nothing was saved."
            raise CommandError(message) from exc
        self._print(report, options["verbosity"])

    def _print(self, report: ImportReport, verbosity: int) -> None:
        if verbosity == 0:
            return
        summary = report.summary()
        self.stdout.write(self.style.SUCCESS(summary[0]))
        for line in summary[1:]:
            self.stdout.write(line)
        shown = report.messages if verbosity >= 2 else report.messages[:MAX_MESSAGES]
        for message in shown:
            self.stdout.write(f"  - {message}")
        if len(shown) < len(report.messages):
            self.stdout.write(f"  ... and {len(report.messages) - len(shown)} more (use -v 2 to see all).")


def _optional_json(path: Path | None):
    return load_json_file(path) if path is not None else None

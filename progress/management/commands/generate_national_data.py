"""``manage.py generate_national_data``: a national-scale data set (see ``progress.national_data``)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from absolutt.core.safety import RefusedInProduction, refuse_in_production
from progress import national_data


class Command(BaseCommand):
    help = (
        "Generate a national-scale data set: the 357 municipalities over the 11 KS regions, two rounds per "
        "region, five samlinger and six assignments per round, ten core-group members per participant, "
        "registrations, attendance, submissions in every state and evaluation answers. Refuses when a "
        "generated data set is there already, unless --reset. Never run it against a production database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0,
                            help="Share of each region's municipalities that take part, 0 < scale ≤ 1 (default 1 = all).")
        parser.add_argument("--seed", type=int, default=2024, help="Random seed (default 2024).")
        parser.add_argument("--reset", action="store_true", help="Delete an earlier generated data set first.")
        parser.add_argument("--delete", action="store_true", help="Only delete the generated data set.")
        parser.add_argument("--csv-dir", type=Path, metavar="PATH",
                            help="Where kommuner-2024.csv is, when the register has not been imported "
                                 f"(default {national_data.default_csv_dir()}).")
        parser.add_argument("--force", action="store_true",
                            help="Run even though DEBUG is off (benchmarks and tests; never on production data).")

    def handle(self, *args, **options) -> None:
        try:
            refuse_in_production("generate_national_data")
        except RefusedInProduction as exc:
            raise CommandError(str(exc)) from None
        if not settings.DEBUG and not options["force"]:
            raise CommandError("DEBUG is off: is this a production database? Use --force if it is not.")
        if options["delete"]:
            n = national_data.reset()
            self.stdout.write(self.style.SUCCESS(f"Deleted the generated data set ({n} rows)."))
            return
        try:
            report = national_data.generate(scale=options["scale"], seed=options["seed"], csv_dir=options["csv_dir"],
                                            reset_first=options["reset"])
        except national_data.NationalDataExists as exc:
            raise CommandError(str(exc)) from exc
        except (ValueError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        lines = report.lines()
        if options["verbosity"] == 0:
            return
        for line in lines[:-1]:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(lines[-1]))

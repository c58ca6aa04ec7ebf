from django.core.management.base import BaseCommand, CommandError

from absolutt.core.safety import RefusedInProduction, refuse_in_production
from progress.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo data (idempotent): ABSOLUTT Møre og Romsdal 2020–2022, Agder, and one login per role."

    def handle(self, *args, **options):
        try:
            refuse_in_production("load_demo")
        except RefusedInProduction as exc:
            raise CommandError(str(exc)) from None
        demo_load()
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))

from django.core.management.base import BaseCommand

from programmes.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo data (idempotent): ABSOLUTT Møre og Romsdal 2020–2022, Agder, and one login per role."

    def handle(self, *args, **options):
        demo_load()
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))

from django.core.management.base import BaseCommand

from progress.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, name, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {email:<40} {name:<16} {role}")

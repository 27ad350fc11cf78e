"""`kiban demo`: migrate the database and load the demo data (safe to run again)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kiban.core.demo import DEMO_PASSWORD, USERS, load_core
from kiban.facilities.demo import load_facilities
from kiban.programmes.demo import load_programmes


class Command(BaseCommand):
    help = "Migrates the database and loads Kiban's demo data; running it twice is harmless."

    def handle(self, *args, **options):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write("[1/4] Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("[2/4] Organisations and demo users…")
        load_core()
        self.stdout.write("[3/4] Programmes and budgets…")
        load_programmes()
        self.stdout.write("[4/4] Cryo-EM network…")
        load_facilities()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded. Log-ins (password for all: {DEMO_PASSWORD}):")
        )
        for username, display_name, _email, organisation, role, _title in USERS:
            self.stdout.write(f"  {username:<18} {role.label:<26} {display_name}（{organisation}）")
        self.stdout.write(f"  {'admin':<18} {'platform administrator':<26} /admin/")

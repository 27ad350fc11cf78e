"""`kiban demo`: migrate the database and load the demo data (safe to run again)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kiban.certification.demo import load_certification
from kiban.core.demo import DEMO_PASSWORD, USERS, load_core
from kiban.facilities.demo import load_facilities
from kiban.genome.demo import load_genome
from kiban.programmes.demo import load_programmes
from kiban.seeds.demo import load_seeds
from kiban.sequencing.demo import load_sequencing


def _progress(stream):
    def report(done: int, total: int | None) -> None:
        stream.write(f"\r  {done:,} records" + (f" of {total:,}" if total else ""), ending="")
        if total is not None and done >= total:
            stream.write("")

    return report


class Command(BaseCommand):
    help = "Migrates the database and loads Kiban's demo data; running it twice is harmless."

    def handle(self, *args, **options):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write("[1/8] Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("[2/8] Organisations and demo users…")
        load_core()
        self.stdout.write("[3/8] Programmes and budgets…")
        load_programmes()
        self.stdout.write("[4/8] Cryo-EM network…")
        load_facilities()
        self.stdout.write("[5/8] Translational seeds, stage-gate reviews and outcomes…")
        load_seeds()
        self.stdout.write("[6/8] Certification of support institutions…")
        load_certification()
        self.stdout.write("[7/8] Sequencing progress…")
        load_sequencing()
        self.stdout.write("[8/8] Genome reference panel (simulated panel and the hail test VCF)…")
        load_genome(self.stdout.write, progress=_progress(self.stderr))
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded. Log-ins (password for all: {DEMO_PASSWORD}):")
        )
        for username, display_name, _email, organisation, role, _title in USERS:
            self.stdout.write(f"  {username:<18} {role.label:<26} {display_name}（{organisation}）")
        self.stdout.write(f"  {'admin':<18} {'platform administrator':<26} /admin/")
        self.stdout.write(
            "  Also: reviewer and reviewer2 (seed and certification reviews), company2 (a second company),\n"
            "  hub_staff_<hokkaido|tohoku|tsukuba|tokyo|keio|nagoya|kyoto|okayama|kyushu> (hub staff),\n"
            "  seed_researcher_01 … seed_researcher_17 (seed PIs)."
        )

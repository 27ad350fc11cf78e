"""`kiban demo`: migrate the database and load the demo data (safe to run again)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kiban.core.demo import DEMO_PASSWORD, USERS
from kiban.core.registry import demo_loaders


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
        loaders = demo_loaders()
        steps = len(loaders) + 1
        self.stdout.write(f"[1/{steps}] Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        for step, loader in enumerate(loaders, start=2):
            self.stdout.write(f"[{step}/{steps}] {loader.label}…")
            loader.run(say=self.stdout.write, progress=_progress(self.stderr))
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

"""`kiban expire_agreements`: records as expired every signed agreement past its expiry (run daily)."""

from django.core.management.base import BaseCommand

from kiban.agreements.services import agreements_expire


class Command(BaseCommand):
    help = "Marks expired the signed agreements whose expiry date has passed; run it daily (cron, systemd)."

    def handle(self, *args, **options):
        expired = agreements_expire()
        self.stdout.write(f"{expired} agreement(s) expired.")

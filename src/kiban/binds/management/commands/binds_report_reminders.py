"""Tells applicants whose BINDS progress report is due (run daily, e.g. from cron)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kiban.binds.services import report_reminders_send


class Command(BaseCommand):
    help = "Notify applicants whose BINDS progress report is due (once per due date)."

    def add_arguments(self, parser):
        parser.add_argument("--on", help="the day to judge on, YYYY-MM-DD (default today)")

    def handle(self, *args, on=None, **options):
        try:
            day = datetime.date.fromisoformat(on) if on else timezone.localdate()
        except ValueError:
            raise CommandError(f"--on {on!r} is not a day; write YYYY-MM-DD.") from None
        sent = report_reminders_send(on=day)
        self.stdout.write(f"{sent} reminder(s) sent.")
